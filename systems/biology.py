"""Biological systems: neurons, cells, ecology and epidemiology."""

import numpy as np

from chaosbench import system

_HOUART = (
    "G. Houart, G. Dupont, A. Goldbeter, Bursting, chaos and birhythmicity originating from self-modulation of "
    "the inositol 1,4,5-trisphosphate signal in a model for intracellular Ca2+ oscillations, Bull. Math. Biol. "
    "61(3), 507-530 (1999)."
)


def _houart(z, y, a, K2, K5, Ka, Kd, Ky, Kz, V0, V1, V4, Vm2, Vm3, Vm5, beta, eps, k, kf, m, n, p):
    """Houart, Dupont & Goldbeter's Ca2+/IP3 equations: cytosolic Ca2+ z, stored Ca2+ y, IP3 a."""
    pump = Vm2 * z**2 / (K2**2 + z**2)
    release = Vm3 * z**m / (Kz**m + z**m) * y**2 / (Ky**2 + y**2) * a**4 / (Ka**4 + a**4)
    ip3_loss = Vm5 * a**p / (K5**p + a**p) * z**n / (Kd**n + z**n)
    return (V0 + V1 * beta - pump + release + kf * y - k * z,
            pump - release - kf * y,
            beta * V4 - ip3_loss - eps * a)


@system(ic=[0.2315, 1.277, 0.147], citation=_HOUART)
def CaTwoPlus(z, y, a, *, K2=0.1, K5=0.3194, Ka=0.1, Kd=1.0, Ky=0.3, Kz=0.6, V0=2.0, V1=2.0, V4=3.0, Vm2=6.0,
              Vm3=30.0, Vm5=50.0, beta=0.65, eps=13.0, k=10.0, kf=1.0, m=2.0, n=4.0, p=1.0):
    """Intracellular Ca2+ oscillations (cytosolic Ca2+ z, stored Ca2+ y, IP3 a) with Ca2+-activated IP3
    degradation feeding back on Ca2+-induced Ca2+ release: chaotic bursting."""
    return _houart(z, y, a, K2, K5, Ka, Kd, Ky, Kz, V0, V1, V4, Vm2, Vm3, Vm5, beta, eps, k, kf, m, n, p)


@system(ic=[0.2212, 1.152, 0.7029], citation=_HOUART, tags=["nonchaotic"])
def CaTwoPlusQuasiperiodic(z, y, a, *, K2=0.1, K5=0.3, Ka=0.2, Kd=0.5, Ky=0.2, Kz=0.5, V0=2.0, V1=2.0, V4=5.0,
                           Vm2=6.0, Vm3=20.0, Vm5=30.0, beta=0.51, eps=0.1, k=10.0, kf=1.0, m=2.0, n=4.0, p=2.0):
    """The Houart-Dupont-Goldbeter Ca2+/IP3 model at a second parameter set, where slow IP3 turnover modulates
    fast Ca2+ spikes.

    Not chaotic at these parameters: the motion is quasi-periodic on a 2-torus. Benettin's method gives two
    exponents that shrink towards zero as the averaging time grows (about 3e-5 and -3e-4 over 20000 periods) and
    a third of about -0.036, and successive IP3 maxima trace a closed invariant curve.
    """
    return _houart(z, y, a, K2, K5, Ka, Kd, Ky, Kz, V0, V1, V4, Vm2, Vm3, Vm5, beta, eps, k, kf, m, n, p)


@system(
    ic=[0.598, 0.8252, 0.9848, 0.4989, 0.5661, 0.9352],
    citation="P.-C. Romond, M. Rustici, D. Gonze, A. Goldbeter, Alternating oscillations and chaos in a model of "
    "two coupled biochemical oscillators driving successive phases of the cell cycle, Ann. N. Y. Acad. Sci. 879, "
    "180-193 (1999).",
    tags=["high_dim"],
)
def CellCycle(c1, m1, x1, c2, m2, x2, *, K=0.01, Kc=0.5, Kd1=0.02, Kim=0.65, V2=0.15, V4=0.05, Vm1=0.3, Vm3=0.1,
              kd1=0.001, vd=0.025, vi=0.05):
    """Two Goldbeter cyclin/cdc2-kinase/protease cascades (cyclin c, active kinase m, active protease x), each
    kinase inhibiting the other module's cyclin synthesis, as a model of successive cell-cycle phases."""
    c1dot = vi * Kim / (Kim + m2) - vd * x1 * c1 / (Kd1 + c1) - kd1 * c1
    c2dot = vi * Kim / (Kim + m1) - vd * x2 * c2 / (Kd1 + c2) - kd1 * c2
    m1dot = Vm1 * c1 / (Kc + c1) * (1 - m1) / (K + 1 - m1) - V2 * m1 / (K + m1)
    m2dot = Vm1 * c2 / (Kc + c2) * (1 - m2) / (K + 1 - m2) - V2 * m2 / (K + m2)
    x1dot = Vm3 * m1 * (1 - x1) / (K + 1 - x1) - V4 * x1 / (K + x1)
    x2dot = Vm3 * m2 * (1 - x2) / (K + 1 - x2) - V4 * x2 / (K + x2)
    return c1dot, m1dot, x1dot, c2dot, m2dot, x2dot


@system(
    ic=[9.463, 15.58, 23.08, 15.99],
    citation="J.-C. Leloup, D. Gonze, A. Goldbeter, Limit cycle models for circadian rhythms based on "
    "transcriptional regulation in Drosophila and Neurospora, J. Biol. Rhythms 14(6), 433-448 (1999); "
    "D. Gonze, A. Goldbeter, Entrainment versus chaos in a model for a circadian oscillator driven by light-dark "
    "cycles, J. Stat. Phys. 101(1-2), 649-663 (2000).",
    deviation="non-autonomous: the periodic forcing of the transcription rate is written cos(2 pi t / ps) with "
    "time in the equations; dysts appends a phase variable th' = 2 pi / ps and uses cos(th), so the state here "
    "is (m, fc, fs, fn) without th",
    tags=["nonchaotic"],
    forcing_period=lambda ps: abs(ps),  # cos(2 pi t / ps)
)
def CircadianRhythm(m, fc, fs, fn, *, t, Ki=1.0, k=0.5, k1=0.3, k2=0.15, kd=1.4, kdn=0.4, km=0.4, ks=1.0, n=4.0,
                    ps=24.0, vc=2.5, vd=6.0, vdn=1.5, vm=0.7, vmax=4.7, vmin=1.0):
    """Neurospora-type circadian clock (frq mRNA m, cytosolic, stored and nuclear FRQ protein) whose
    transcription rate is driven by a 24 h light-dark cycle (smooth cosine forcing, as in dysts).

    Not chaotic at these (dysts') parameter values: the clock does not lock to the 24 h forcing and the motion is
    quasi-periodic. The largest Lyapunov exponent of the forced system is zero within +-4e-6 from several initial
    conditions (next -0.088), and the stroboscopic section at multiples of ps is a smooth closed curve.
    """
    vs = vc * ((0.5 + 0.5 * np.cos(2 * np.pi * t / ps)) + vmin) * (vmax - vmin)
    mdot = vs * Ki**n / (Ki**n + fn**n) - vm * m / (km + m)
    fcdot = ks * m - k1 * fc + k2 * fn - k * fc
    fsdot = k * fc - vd * fs / (kd + fs)
    fndot = k1 * fc - k2 * fn - vdn * fn / (kdn + fn)
    return mdot, fcdot, fsdot, fndot


@system(
    ic=[4.934e-05, 0.4526, 0.7071],
    citation="W. Gilpin, M. W. Feldman, A phase transition induces chaos in a predator-prey ecosystem with a "
    "dynamic fitness landscape, PLoS Comput. Biol. 13(7), e1005644 (2017), doi:10.1371/journal.pcbi.1005644.",
)
def CoevolvingPredatorPrey(x, y, alpha, *, a1=2.5, a2=0.05, a3=0.4, b1=6.0, b2=1.333, d1=0.16, d2=0.004, delta=1.0,
                           k1=6.0, k2=9.0, k4=9.0, vv=0.33333):
    """Prey x and predator y with a Holling type II response, the prey's mean trait alpha evolving on a
    quartic fitness landscape (fast evolution of the prey's growth-mortality trade-off)."""
    ad = alpha * delta
    growth = a1 * alpha * (1 - k1 * x * (ad - alpha)) / (1 + b1 * alpha)
    mortality = d1 * (1 - k2 * (ad**2 - alpha**2) + k4 * (ad**4 - alpha**4))
    xdot = x * (growth - mortality - a3 * y / (1 + b2 * x))
    ydot = y * (a2 * x / (1 + b2 * x) - d2)
    alphadot = vv * (-a1 * k1 * x * alpha * delta / (1 + b1 * alpha)
                     - d1 * (4 * k4 * alpha**3 * delta**4 - 2 * k2 * alpha * delta**2))
    return xdot, ydot, alphadot


@system(
    ic=[-35.65, 0.3484, 0.4761],
    citation="T. R. Chay, Chaos in a three-variable model of an excitable cell, Physica D 16(2), 233-242 (1985).",
)
def ExcitableCell(v, n, c, *, aho=2.5, ahr=0.05, ahs=0.07, ams=0.1, amvb=25.0, amvo=2.5, ans=0.01, anvb=20.0,
                  anvo=2.0, ar=0.1, bho=2.0, bhr=0.1, bmo=50.0 / 18.0, bmr=1.0 / 18.0, bms=4.0, bno=0.375,
                  bnr=0.0125, bns=0.125, gi=1800.0, gkc=11.0, gkv=1700.0, gl=7.0, kc=0.183333, rho=0.27,
                  tscl=230.0, vc=100.0, vi=100.0, vk=-75.0, vl=-40.0, vm=-50.0, vn=-30.0):
    """Chay's model of a bursting excitable cell (pancreatic beta-cell type): membrane potential v, K+ channel
    gate n and intracellular Ca2+ c, whose Ca2+-activated K+ current terminates bursts.

    Hodgkin-Huxley rate functions written with dysts' parameter names; vm and vn (the m and n half-voltage
    offsets, already folded into bmo and bno) are accepted for compatibility but do not enter the equations.
    """
    alpham = ams * (amvb + v) / (1 - np.exp(-ar * v - amvo))
    betam = bms * np.exp(-bmr * v - bmo)
    alphah = ahs * np.exp(-ahr * v - aho)
    betah = 1 / (1 + np.exp(-bhr * v - bho))
    alphan = ans * (anvb + v) / (1 - np.exp(-ar * v - anvo))
    betan = bns * np.exp(-bnr * v - bno)
    minf = alpham / (alpham + betam)
    hinf = alphah / (alphah + betah)
    ninf = alphan / (alphan + betan)
    na_ca = minf**3 * hinf
    vdot = gi * na_ca * (vi - v) + gkv * n**4 * (vk - v) + gkc * c / (1 + c) * (vk - v) + gl * (vl - v)
    ndot = (ninf - n) * tscl * (alphan + betan)
    cdot = rho * (na_ca * (vc - v) - kc * c)
    return vdot, ndot, cdot


@system(
    ic=[0.7338, 0.1564, 10.27],
    citation="A. Hastings, T. Powell, Chaos in a three-species food chain, Ecology 72(3), 896-903 (1991), "
    "doi:10.2307/1940591.",
)
def HastingsPowell(x, y, z, *, a1=5.0, a2=0.1, b1=3.0, b2=2.0, d1=0.4, d2=0.01):
    """Three-level food chain (logistic prey, predator, top predator) with Holling type II responses: the
    'teacup' attractor."""
    f1 = a1 * x / (1 + b1 * x)
    f2 = a2 * y / (1 + b2 * y)
    return x * (1 - x) - f1 * y, f1 * y - f2 * z - d1 * y, f2 * z - d2 * z


@system(
    ic=[-0.2436, -0.0629, 0.005731],
    citation="J. L. Hindmarsh, R. M. Rose, A model of neuronal bursting using three coupled first order "
    "differential equations, Proc. R. Soc. Lond. B 221(1222), 87-102 (1984), doi:10.1098/rspb.1984.0024; "
    "time-scaled form (tx, tz) and parameter values as in dysts, which attributes them to M. Marhl and M. Perc, "
    "Chaos Solitons Fractals (2005).",
    tags=["polynomial"],
)
def HindmarshRose(x, y, z, *, a=0.49, b=1.0, c=0.0322, d=1.0, s=1.0, tx=0.03, tz=0.8):
    """Hindmarsh-Rose bursting neuron (membrane potential x, fast recovery y, slow adaptation z) in a
    time-scaled form with separate time constants tx and tz."""
    xdot = (y - a * x**3 + b * x**2 + z) / tx - x
    ydot = -a * x**3 - (d - b) * x**2 + z
    zdot = (c - s * x - z) / tz
    return xdot, ydot, zdot


@system(
    ic=[0.06871, 0.8496, 3.834e-05],
    citation="M. Itik, S. P. Banks, Chaos in a three-dimensional cancer model, Int. J. Bifurcation Chaos 20(1), "
    "71-79 (2010).",
)
def ItikBanksTumor(x, y, z, *, a12=1.0, a13=2.5, a21=1.5, a31=0.2, d3=0.5, k3=1.0, r2=0.6, r3=4.5):
    """Tumour cells x competing with healthy host cells y and attacked by effector immune cells z, whose
    recruitment saturates with tumour size."""
    xdot = x * (1 - x) - a12 * x * y - a13 * x * z
    ydot = r2 * y * (1 - y) - a21 * x * y
    zdot = r3 * x * z / (x + k3) - a31 * x * z - d3 * z
    return xdot, ydot, zdot


@system(
    dim=10,
    ic=[12.47, 25.33, 26.95, 11.58, 43.57, 0.396, 0.1771, 0.2682, 0.1539, 0.1011],
    citation="R. MacArthur, Species packing, and what competition minimizes, Proc. Natl. Acad. Sci. USA 64(4), "
    "1369-1371 (1969), doi:10.1073/pnas.64.4.1369; parameters (five species on five resources) from J. Huisman, "
    "F. J. Weissing, Biodiversity of plankton by species oscillations and chaos, Nature 402, 407-410 (1999), "
    "doi:10.1038/46540.",
    tags=["high_dim"],
)
def MacArthur(u, *, c=((0.04, 0.04, 0.07, 0.04, 0.04), (0.08, 0.08, 0.08, 0.10, 0.08),
                       (0.10, 0.10, 0.10, 0.10, 0.14), (0.05, 0.03, 0.03, 0.03, 0.03),
                       (0.07, 0.09, 0.07, 0.07, 0.07)),
              d=0.25,
              k=((0.39, 0.34, 0.30, 0.24, 0.23), (0.22, 0.39, 0.34, 0.30, 0.27), (0.27, 0.22, 0.39, 0.34, 0.30),
                 (0.30, 0.24, 0.22, 0.39, 0.34), (0.34, 0.30, 0.22, 0.20, 0.39)),
              m=0.25, r=1.0, s=(6.0, 10.0, 14.0, 4.0, 9.0)):
    """Phytoplankton species (abundances u[:5]) competing for resources (u[5:]) in a chemostat; each species
    grows at the Monod rate of its most limiting resource (Liebig's law of the minimum).

    k[j, i] is the half-saturation constant and c[j, i] the content of resource j in species i.
    """
    c, k, s = np.asarray(c), np.asarray(k), np.asarray(s)
    species, resources = u[:5], u[5:]
    monod = r * resources[:, None] / (k + resources[:, None])  # monod[j, i]
    mu = np.array([min(monod[0, i], monod[1, i], monod[2, i], monod[3, i], monod[4, i]) for i in range(5)])
    return np.concatenate([species * (mu - m), d * (s - resources) - c @ (mu * species)])


@system(
    ic=[229.2, 91.37, 56.73],
    citation="R. K. Upadhyay, N. Bairagi, K. Kundu, J. Chattopadhyay, Chaos in eco-epidemiological problem of the "
    "Salton Sea and its possible control, Appl. Math. Comput. 196(1), 392-401 (2008).",
)
def SaltonSea(x, y, z, *, a=15.0, d=8.3, k=400.0, lam=0.06, m=15.5, mu=3.4, r=22.0, th=10.0):
    """Eco-epidemiology of the Salton Sea: susceptible fish x, fish infected by Vibrio y, and pelicans z that
    prey on the (more catchable) infected fish."""
    predation = y * z / (y + a)
    xdot = r * x * (1 - (x + y) / k) - lam * x * y
    ydot = lam * x * y - m * predation - mu * y
    zdot = th * predation - d * z
    return xdot, ydot, zdot


@system(
    ic=[1.018, 0.267],
    citation="P. Turchin, I. Hanski, An empirically based model for latitudinal gradient in vole population "
    "dynamics, Am. Nat. 149(5), 842-874 (1997).",
    deviation="non-autonomous: the seasonal forcing is written sin(2 pi lamb t) with time in the equations; dysts "
    "appends a phase variable z' = 2 pi lamb and uses sin(z), so the state here is (n, p) without z",
    forcing_period=lambda lamb: 1 / abs(lamb),  # sin(2 pi lamb t)
)
def TurchinHanski(n, p, *, t, a=8.0, d=0.04, e=0.5, g=0.1, h=0.8, lamb=1.0, r=8.12, s=1.25):
    """Seasonally forced vole-weasel dynamics: voles n with logistic growth, generalist predation and a
    specialist predator p whose carrying capacity follows its prey."""
    season = 1 - e * np.sin(2 * np.pi * lamb * t)
    ndot = r * season * n - r * n**2 - g * n**2 / (n**2 + h**2) - a * n * p / (n + d)
    pdot = s * season * p - s * p**2 / n
    return ndot, pdot


@system(
    ic=[0.3, 0.4, 0.3, 0.5],
    citation="J. A. Vano, J. C. Wildenberg, M. B. Anderson, J. K. Noel and J. C. Sprott, Chaos in low-dimensional "
    "Lotka-Volterra models of competition, Nonlinearity 19(10), 2391-2404 (2006), doi:10.1088/0951-7715/19/10/006.",
    tags=["polynomial", "ecology"],
    lyapunov_max=0.0203,
)
def CompetitiveLotkaVolterra(
    x1, x2, x3, x4, *,
    r=(1.0, 0.72, 1.53, 1.27),
    a=((1.0, 1.09, 1.52, 0.0), (0.0, 1.0, 0.44, 1.36), (2.33, 0.0, 1.0, 0.47), (1.21, 0.51, 0.35, 1.0)),
):
    """Four species competing for resources, x_i' = r_i x_i (1 - sum_j a_ij x_j): the smallest chaotic
    competitive Lotka-Volterra system. Not in dysts."""
    x = np.array([x1, x2, x3, x4])
    return tuple(np.asarray(r) * x * (1 - np.asarray(a) @ x))
