#pragma once

#include <cmath>

namespace awb::core {

// Φ(z), the standard normal CDF, without exp so that loops over it vectorise: Φ(z) =
// ½·(1 + erf(z/√2)) with erf(x) = 1 − (1 + a1·x + … + a6·x⁶)^−16 for x ≥ 0 (Abramowitz &
// Stegun 7.1.28, |error| ≤ 3·10⁻⁷) and Φ(−z) = 1 − Φ(z). Φ rounds to exactly 1 once the tail
// is below the type's rounding (z ≳ 5.5 in float, 8.5 in double), so configurations certain to
// meet a deadline tie exactly; the lower tail is exactly 0 once the power overflows (float:
// z ≲ −20) and negligible before. `float`: the estimator's hot loop; `double`: everywhere else.
// Branch-free (a mask blend instead of a select) and always inlined, so that GCC vectorises
// loops that call it, also in the estimator's AVX2 clone.
template <typename Real> [[gnu::always_inline]] inline Real normalCdf(Real z)
{
    constexpr Real a1 = Real(0.0705230784), a2 = Real(0.0422820123), a3 = Real(0.0092705272);
    constexpr Real a4 = Real(0.0001520143), a5 = Real(0.0002765672), a6 = Real(0.0000430638);
    constexpr Real invSqrt2 = Real(0.70710678118654752);
    const Real x = std::fabs(z) * invSqrt2;
    Real p = Real(1) + x * (a1 + x * (a2 + x * (a3 + x * (a4 + x * (a5 + x * a6)))));
    p = p * p; // p²
    p = p * p; // p⁴
    p = p * p; // p⁸
    p = p * p; // p¹⁶
    const Real tail = Real(0.5) / p; // ½·(1 − erf(x)) = Φ(−|z|)
    const Real negative = static_cast<Real>(z < Real(0)); // 1 or 0: each term below is exact
    return negative * tail + (Real(1) - negative) * (Real(1) - tail);
}

} // namespace awb::core
