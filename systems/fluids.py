"""Fluid flows, advection of tracers, and climate models."""

import numpy as np

from chaosbench import system


_PHASE = ("non-autonomous with time in the equations: dysts appends a phase variable ({0}' = {1}) and writes the "
          "forcing in terms of it; here {0} is replaced by {2} and the state drops the phase")


@system(
    ic=[0.1, 0.2, 0.3],
    citation="T. Dombre, U. Frisch, J. M. Greene, M. Henon, A. Mehr, A. M. Soward, Chaotic streamlines in the ABC "
    "flows, J. Fluid Mech. 167, 353-391 (1986), doi:10.1017/S0022112086002859 (A = sqrt 3, B = sqrt 2, C = 1); "
    "V. I. Arnold, Sur la topologie des ecoulements stationnaires des fluides parfaits, C. R. Acad. Sci. Paris 261, "
    "17-20 (1965).",
    tags=["conservative"],
    unbounded=[0, 1, 2],
)
def ArnoldBeltramiChildress(x, y, z, *, a=1.73205, b=1.41421, c=1.0):
    """Streamlines of the steady Arnold-Beltrami-Childress flow, a Beltrami solution of the Euler equations on the
    3-torus whose particle paths are chaotic."""
    return a * np.sin(z) + c * np.cos(y), b * np.sin(x) + a * np.cos(z), c * np.sin(y) + b * np.cos(x)


@system(
    period=2 * np.pi,
    ic=[0.1, 0.09, 0.0, 0.0],
    citation="C. Froeschle, M. Guzzo, E. Lega, Graphical evolution of the Arnold web: from order to chaos, Science "
    "289(5487), 2108-2110 (2000), doi:10.1126/science.289.5487.2108.",
    tags=["conservative"],
    unbounded=[2, 3],
    deviation=_PHASE.format("z", "w", "w t"),
    forcing_period=lambda w: 2 * np.pi / abs(w),  # cos(w t)
)
def ArnoldWeb(p1, p2, x1, x2, *, t, mu=0.01, w=1.0):
    """Nearly integrable Hamiltonian H = (p1^2 + p2^2) / 2 + mu / (4 + cos x1 + cos x2 + cos w t) whose resonances
    form the Arnold web along which orbits diffuse."""
    denom = (4 + np.cos(x1) + np.cos(x2) + np.cos(w * t)) ** 2
    return -mu * np.sin(x1) / denom, -mu * np.sin(x2) / denom, p1, p2


@system(
    ic=[0.5, 0.0],
    citation="A. Hadjighasem, D. Karrasch, H. Teramoto, G. Haller, Spectral-clustering approach to Lagrangian "
    "vortex detection, Phys. Rev. E 93(6), 063107 (2016), doi:10.1103/PhysRevE.93.063107; I. I. Rypina, "
    "M. G. Brown, F. J. Beron-Vera, H. Kocak, M. J. Olascoaga, I. A. Udovydchenkov, On the Lagrangian dynamics of "
    "atmospheric zonal jets and the permeability of the stratospheric polar vortex, J. Atmos. Sci. 64(10), "
    "3595-3610 (2007).",
    tags=["conservative"],
    unbounded=[1],
    deviation="non-autonomous with time in the equations (dysts appends a phase variable z' = omega, here z = "
    "omega t, and drops it from the state); and the velocity has the sign of the paper's stream function psi = "
    "-U ell tanh(y / ell) + U ell sech^2(y / ell) sum eps_n cos(k_n (x - sigma_n t)) with x' = -psi_y, y' = psi_x "
    "(an eastward jet with eastward travelling waves), whereas dysts' velocity field is the negative of this.",
    # waves cos(k_n (x - sigma_n omega t)): one period 2 pi / |k_n sigma_n omega| per wave
    forcing_period=lambda k, sigma, omega: 2 * np.pi / np.abs(np.asarray(k) * np.asarray(sigma) * omega),
)
def BickleyJet(y, x, *, t, ell=1.77, eps=(0.0075, 0.15, 0.3), k=(0.313922, 0.627845, 0.941767), omega=1.0,
               sigma=(9.05854e-06, 1.28453e-05, 2.88863e-05), u=6.266e-05):
    """Tracer in a Bickley jet (a stratospheric zonal jet, lengths in Mm and time in s) perturbed by three Rossby
    waves of amplitudes eps, wavenumbers k and phase speeds sigma; state ordered (y, x) as in dysts."""
    eps, k, sigma = np.asarray(eps), np.asarray(k), np.asarray(sigma)
    phase = k * (x - sigma * omega * t)
    sech2 = 1 / np.cosh(y / ell) ** 2
    dy = -ell * u * sech2 * np.sum(eps * k * np.sin(phase))
    dx = u * sech2 * (1 + 2 * np.tanh(y / ell) * np.sum(eps * np.cos(phase)))
    return dy, dx


def _disk_rotlet(r, cos_th, sin_th, a, b, bc):
    """Radial velocity and r times the angular velocity of a rotlet (bc = 1, Stokes flow) or point vortex (bc = 0)
    at distance b from the centre of a disk of radius a, image system included; arithmetic only, so it traces."""
    ra = r**2 / a**2
    kappa = a**2 + b**2 * ra - 2 * b * r * cos_th  # distance^2 to the image point, scaled
    zeta = b**2 + r**2 - 2 * b * r * cos_th  # distance^2 to the singularity
    gam = (1 - ra) * (a**2 - b**2 * ra)
    iota = b**2 * r / a**2 - b * cos_th
    nu = a**2 + b**2 - 2 * b**2 * ra
    vr = b * sin_th * (1 / zeta - 1 / kappa - bc * gam / kappa**2)
    vth = iota / kappa - (r - b * cos_th) / zeta + bc * (gam * iota / kappa**2 + r * nu / (a**2 * kappa))
    return vr, vth


def _blink(r, cos_th, sin_th, weight, a, b, bc, sigma):
    """Velocity (r', theta') when the singularity sits at +b for the fraction weight of the time and at -b
    otherwise."""
    vr1, vt1 = _disk_rotlet(r, cos_th, sin_th, a, b, bc)
    vr2, vt2 = _disk_rotlet(r, cos_th, sin_th, a, -b, bc)
    return sigma * (weight * vr1 + (1 - weight) * vr2), sigma * (weight * vt1 + (1 - weight) * vt2) / r


_BLINK = ("non-autonomous with time in the equations: dysts appends a clock variable (tt' = 1) that drives the "
          "switching; here the switching uses t itself and the state drops the clock")


@system(
    period=3.0,
    ic=[0.3, 0.5],
    citation="V. V. Meleshko, H. Aref, A blinking rotlet model for chaotic advection, Phys. Fluids 8(12), "
    "3215-3217 (1996).",
    unbounded=[1],
    tags=["conservative"],  # incompressible planar flow: area-preserving, with a mixed phase space
    deviation=_BLINK,
    forcing_period=lambda tau: abs(tau),  # sin(2 pi t / tau)
)
def BlinkingRotlet(r, theta, *, t, a=1.0, b=0.5298833894399929, bc=1.0, sigma=-1.0, tau=3.0):
    """Tracer in Stokes flow inside a disk of radius a stirred by a rotlet that blinks between the points +b and -b
    with period tau (smooth switching); polar coordinates (r, theta)."""
    weight = 0.5 + 0.5 * np.tanh(20 * tau * np.sin(2 * np.pi * t / tau))
    return _blink(r, np.cos(theta), np.sin(theta), weight, a, b, bc, sigma)


@system(
    period=3.0,
    ic=[0.3, 0.5],
    citation="H. Aref, Stirring by chaotic advection, J. Fluid Mech. 143, 1-21 (1984), "
    "doi:10.1017/S0022112084001233.",
    unbounded=[1],
    tags=["conservative"],  # incompressible planar flow: area-preserving, with a mixed phase space
    deviation=_BLINK,
    forcing_period=lambda tau: abs(tau),  # sin(2 pi t / tau)
)
def BlinkingVortex(r, theta, *, t, a=1.0, b=0.5, bc=0.0, sigma=-1.0, tau=3.0):
    """Aref's blinking vortex: a point vortex (with its image) in a circular domain of radius a that blinks between
    +b and -b with period tau (smooth switching; bc = 1 turns it into the Stokes rotlet); polar coordinates."""
    weight = 0.5 + 0.5 * np.tanh(20 * tau * np.sin(2 * np.pi * t / tau))
    return _blink(r, np.cos(theta), np.sin(theta), weight, a, b, bc, sigma)


@system(
    period=2 * np.pi / 0.62832,
    ic=[1.0, 0.5],
    citation="S. C. Shadden, F. Lekien, J. E. Marsden, Definition and properties of Lagrangian coherent structures "
    "from finite-time Lyapunov exponents in two-dimensional aperiodic flows, Physica D 212(3-4), 271-304 (2005), "
    "doi:10.1016/j.physd.2005.10.007.",
    tags=["conservative"],
    deviation=_PHASE.format("z", "omega", "omega t"),
    forcing_period=lambda omega: 2 * np.pi / abs(omega),  # sin(omega t)
)
def DoubleGyre(x, y, *, t, alpha=0.1, eps=0.1, omega=0.62832):
    """Tracer in two counter-rotating gyres on [0, 2] x [0, 1] whose separatrix oscillates periodically (stream
    function alpha sin(pi f(x, t)) sin(pi y))."""
    a = eps * np.sin(omega * t)
    b = 1 - 2 * eps * np.sin(omega * t)
    f = a * x**2 + b * x
    return (-alpha * np.pi * np.sin(np.pi * f) * np.cos(np.pi * y),
            alpha * np.pi * np.cos(np.pi * f) * np.sin(np.pi * y) * (2 * a * x + b))


@system(
    period=2 * np.pi / 0.49,
    ic=[3.0, 1.0],
    citation="T. H. Solomon, J. P. Gollub, Chaotic particle transport in time-dependent Rayleigh-Benard "
    "convection, Phys. Rev. A 38(12), 6280-6286 (1988), doi:10.1103/PhysRevA.38.6280.",
    tags=["conservative"],
    unbounded=[0],
    deviation=_PHASE.format("z", "omega", "omega t"),
    forcing_period=lambda omega: 2 * np.pi / abs(omega),  # sin(omega t)
)
def OscillatingFlow(x, y, *, t, b=0.48, k=1.0, omega=0.49, u=0.72):
    """Tracer in a row of convection rolls whose boundaries oscillate laterally with amplitude b (Solomon and
    Gollub's model of time-dependent Rayleigh-Benard convection); x runs along the row."""
    f = k * (x + b * np.sin(omega * t))
    return u * np.cos(k * y) * np.sin(f), -u * np.sin(k * y) * np.cos(f)


@system(
    period=2 * np.pi / 1.21,
    ic=[-5.386, 3.25],
    citation="T. Gilet, J. W. M. Bush, The fluid trampoline: droplets bouncing on a soap film, J. Fluid Mech. 625, "
    "167-203 (2009), doi:10.1017/S0022112008005442.",
    deviation=_PHASE.format("th", "w", "w t"),
    tags=["discontinuous"],
    forcing_period=lambda w: 2 * np.pi / abs(w),  # cos(w t)
)
def FluidTrampoline(x, y, *, t, gamma=1.82, psi=0.01019, w=1.21):
    """Droplet bouncing on a vibrated soap film: free flight under gravity above the film (x > 0), a nonlinear
    spring-and-drag contact force while in contact (x < 0), forcing amplitude gamma."""
    contact = np.heaviside(-x, 0.0)
    return y, -1 - contact * (x + psi * y * np.abs(y)) + gamma * np.cos(w * t)


@system(
    period=3.0,
    ic=[0.3, 0.5],
    citation="J. R. Blake, Self propulsion due to oscillations on the surface of a cylinder at low Reynolds "
    "number, Bull. Austral. Math. Soc. 5(2), 255-264 (1971).",
    unbounded=[1],
    deviation=_BLINK,
    forcing_period=lambda tau: abs(tau),  # sin(2 pi t / tau)
)
def InteriorSquirmer(r, th, *, t, a=(0.5, 0.5, 0.5, 0.5, 0.5), g=(0.5, 0.5, 0.5, 0.5, 0.5), tau=3.0):
    """Tracer in the Stokes flow inside a circular squirmer whose surface modes alternate (period tau, smooth
    switching) between the tangential set a and the radial set g; polar coordinates (r, th)."""
    weight = 0.5 + 0.5 * np.tanh(20 * tau * np.sin(2 * np.pi * t / tau))
    dr, dth = 0, 0
    for n in range(1, len(a) + 1):
        an, gn = a[n - 1] * weight, g[n - 1] * (1 - weight)
        c, s = np.cos(n * th), np.sin(n * th)
        dr = dr + n * r ** (n - 1) * (r**2 - 1) * (gn * c + an * s)
        dth = dth + r ** (n - 1) * (2 * r + n * (r**2 - 1) / r) * (an * c - gn * s)
    return dr, dth


@system(
    period=1.1,
    ic=[4.0, 0.2],
    citation="P. Grover, S. D. Ross, M. A. Stremler, P. Kumar, Topological chaos, braiding and bifurcation of "
    "almost-cyclic sets, Chaos 22(4), 043135 (2012).",
    deviation=_BLINK,
    forcing_period=lambda tau: abs(tau),  # sin(2 pi t / tau)
)
def LidDrivenCavityFlow(x, y, *, t, a=6.0, b=1.0, tau=1.1, u1=9.92786, u2=8.34932):
    """Tracer in the Stokes flow of a rectangular cavity [0, a] x [-b, b] whose two lids move with the first two
    eigenmodes, the first mode reversing periodically (period tau, smooth switching)."""
    u1 = u1 * np.tanh(20 * tau * np.sin(2 * np.pi * t / tau))  # the time-weighted average of +u1 and -u1
    q1, q2 = np.pi / a, 2 * np.pi / a
    d1 = 2 * b * np.pi + a * np.sinh(2 * q1 * b)
    d2 = 4 * b * np.pi + a * np.sinh(2 * q2 * b)
    vx = (2 * u1 * np.sin(q1 * x) / d1 * (np.cosh(q1 * b) * (np.pi * y * np.cosh(q1 * y) + a * np.sinh(q1 * y))
                                         - b * np.pi * np.sinh(q1 * b) * np.sinh(q1 * y))
          + 2 * u2 * np.sin(q2 * x) / d2 * (np.cosh(q2 * b) * (2 * np.pi * y * np.cosh(q2 * y) + a * np.sinh(q2 * y))
                                           - 2 * b * np.pi * np.sinh(q2 * b) * np.sinh(q2 * y)))
    vy = (2 * np.pi * u1 * np.cos(q1 * x) / d1 * (b * np.sinh(q1 * b) * np.cosh(q1 * y)
                                                 - np.cosh(q1 * b) * y * np.sinh(q1 * y))
          + 4 * np.pi * u2 * np.cos(q2 * x) / d2 * (b * np.sinh(q2 * b) * np.cosh(q2 * y)
                                                   - np.cosh(q2 * b) * y * np.sinh(q2 * y)))
    return vx, vy


@system(
    ic=[4.181, 5.52, 0.02688],
    citation="B. Blasius, A. Huppert, L. Stone, Complex dynamics and phase synchronization in spatially extended "
    "ecological systems, Nature 399, 354-359 (1999), doi:10.1038/20676.",
)
def Blasius(x, y, z, *, a=1.0, alpha1=0.2, alpha2=1.0, b=1.0, c=10.0, k1=0.05, k2=0.0, zs=0.006):
    """Vegetation x, herbivores y and predators z with Holling type II functional responses (the
    Blasius-Huppert-Stone food chain behind uniform-phase chaotic amplitude oscillations)."""
    graze = alpha1 * x * y / (1 + k1 * x)
    prey = alpha2 * y * z / (1 + k2 * y)
    return a * x - graze, -b * y + graze - prey, -c * (z - zs) + prey


@system(
    ic=[-9.833, -0.0602, -0.3583],
    citation="G. K. Vallis, Conceptual models of El Nino and the Southern Oscillation, J. Geophys. Res. 93(C11), "
    "13979-13991 (1988), doi:10.1029/JC093iC11p13979.",
    tags=["polynomial"],
)
def VallisElNino(x, y, z, *, b=102.0, c=3.0, p=0.0):
    """Vallis' three-box ocean model of El Nino: surface current x driven by the east-west temperature difference
    y, with z the mean temperature, a Lorenz-like convection analogue."""
    return b * y - c * x - c * p, -y + x * z, -z - x * y + 1


@system(
    ic=[0.3719, -0.2789, 0.147],
    citation="J. M. Tuwankotta, Chaos in a coupled oscillators system with widely spaced frequencies and "
    "energy-preserving non-linearity, Int. J. Non-Linear Mech. 41(2), 180-191 (2006).",
    tags=["polynomial"],
)
def AtmosphericRegime(x, y, z, *, alpha=-2.0, beta=-5.0, mu1=0.05, mu2=-0.01, omega=3.0, sigma=1.1):
    """Low-order atmospheric flow-regime model: a slow mode x coupled by energy-preserving quadratic terms to a fast
    oscillating pair (y, z) of frequency omega."""
    return (mu1 * x + sigma * x * y,
            mu2 * y + omega * z + alpha * y * z + beta * z**2 - sigma * x**2,
            mu2 * z - omega * y - alpha * y**2 - beta * y * z)


@system(
    ic=[0.9731, 6.011, 30.52],
    citation="S. Smith, J.-L. Thiffeault, W. Horton, Dynamical range of the WINDMI model: an exploration of "
    "possible magnetospheric plasma states, J. Geophys. Res. 105(A6), 12983-12996 (2000); W. Horton, R. S. Weigel, "
    "J. C. Sprott, Chaos and the limits of predictability for the solar-wind-driven magnetosphere-ionosphere "
    "system, Phys. Plasmas 8(6), 2946-2952 (2001).",
)
def WindmiReduced(i, v, p, *, a1=0.247, b1=10.8, b2=0.0752, b3=1.06, d1=2200.0, vsw=5.0):
    """Reduced WINDMI model of the solar-wind-driven magnetosphere-ionosphere system: current i, voltage v and
    plasma pressure p, with a sharp tanh unloading switch at i = 1."""
    unload = (1 + np.tanh(d1 * (i - 1))) / 2
    return a1 * (vsw - v), b1 * i - b2 * p / 2 - b3 * v, vsw**2 - p ** (5 / 4) * np.sqrt(vsw) * unload
