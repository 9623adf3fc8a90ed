"""Toy 2-D GAN experiments: 8 Gaussians on a ring, small MLPs, seconds to minutes to train.

The package's own models (:class:`~cv2course.gans.GAN`, :class:`~cv2course.gans.WGAN`,
:class:`~cv2course.gans.WGANGP`) train here on points instead of images, with MLP networks
passed in: the algorithms are the ones the digits notebooks use; only the data is small
enough for a point of the slides (mode collapse; clipping vs gradient penalty) to show live.

The ring is Metz et al.'s (2017, unrolled GANs, Fig. 1): 8 modes of std 0.02 on a circle of
radius 2. The models see points scaled into [-1, 1]² (a package GAN maps its "images" from
[0, 1] with x ↦ 2x − 1); :func:`to_model` and :func:`from_model` convert.

    gan = build("gan", **COLLAPSING_GAN)          # collapses and hops between modes
    shots = train(gan, 2000, snapshot_steps=(500, 1000, 1500))
    modes_covered(shots.points[-1])               # 1 or 2 of 8
"""
import numpy as np

from cv2course.checks import check_choice, check_positive, check_positive_int

RING_MODES = 8
RADIUS = 2.0
SCALE = 2.5  # ring coordinates (|p| ≈ 2) ↔ the model's [-1, 1]²
KINDS = ("gan", "wgan", "wgan_gp")

# A standard GAN that collapses on the ring: close to Metz et al.'s (2017) setting — 256-d noise,
# non-saturating loss, Adam(β1 = 0.5) with the generator's rate ten times the discriminator's.
COLLAPSING_GAN = dict(latent_dim=256, learning_rates=(1e-4, 1e-3))
# The same GAN whose discriminator also sees the batch's spread (minibatch standard deviation): it covers
# all 8 modes from about step 800 (seed 0).
COVERING_GAN = dict(COLLAPSING_GAN, minibatch_std=True)

# GAN, WGAN and WGAN-GP on the ring for the figures and notebooks of lectures 06-07. WGAN and WGAN-GP share
# networks (2-d noise, 3 hidden ReLU layers of 128 in G and in the critic, no batch norm), batch m = 256 and
# n_critic = 5; 1,000 generator steps take 25-36 s of CPU each on a 2-core CPU. (The trials of other rates, λ,
# β1, batch norm and c below ran with snapshots every 125 steps and 1 TF thread.)
# - WGAN: Algorithm 1 with the paper's c = 0.01 and RMSProp, at 1e-3 instead of 5e-5 (at 5e-5 nothing moves in
#   1,000 steps: exact EMD 1.84 → 1.83; at 5e-4 and 2e-3 it ends as at 1e-3, 0.76-0.80).
# - WGAN-GP: Algorithm 1 with the paper's Adam(1e-4, β1 = 0, β2 = 0.9) and λ = 0.1, the value of the authors' own
#   toy script (gan_toy.py); with the paper's λ = 10 this toy did not settle in 1,000 steps (EMD 1.4-5.2).
# Exact EMD between 1,000 generated and 1,000 real points (true_distances) at steps 0 / 125 / 250 / 375 / 1,000,
# trained as notebook 07 and the figures do (a snapshot every 25 steps; 25-36 s of CPU per 1,000 steps, plus
# 7-12 s for the 41 distances):
#   seed 0: WGAN 1.84 / 1.77 / 1.26 / 0.80 / 0.87    WGAN-GP 1.84 / 1.01 / 0.71 / 0.54 / 0.19
#   seed 1: WGAN 1.86 / 1.81 / 1.30 / 0.82 / 0.77    WGAN-GP 1.86 / 1.03 / 0.77 / 0.59 / 0.22
#   seed 2: WGAN 1.81 / 1.70 / 1.04 / 0.77 / 0.78    WGAN-GP 1.81 / 0.91 / 0.64 / 0.44 / 0.23
# Both learn; WGAN-GP is below WGAN at all 40 snapshots (by >= 0.21 from step 250) and keeps improving; WGAN
# stalls at a blob over the ring (0-5 of 8 modes). Two samples of the ring itself: 0.06-0.19. Tried and not
# kept: WGAN with batch norm in the critic (RMSProp 5e-4: nothing
# moves); WGAN-GP with Adam β1 = 0.5 (the authors' toy script) behaves like β1 = 0 (seed 0: 0.56 at step 375,
# 0.18 at 1,000), at 3e-4 it is faster still.
# With c = 0.1 instead of the paper's 0.01, WGAN covers the 8 modes from step 125 (EMD 0.41; 0.16 at 1,000,
# seed 0): on this toy clipping is fast when c is tuned, slow at the paper's value.
# The GAN is COLLAPSING_GAN (notebook 06's standard GAN), for the figures that compare mode coverage.
TOY_SETTINGS = {"gan": COLLAPSING_GAN,
                "wgan": dict(latent_dim=2, depth=3, learning_rates=(1e-3, 1e-3)),
                "wgan_gp": dict(latent_dim=2, depth=3, learning_rates=(1e-4, 1e-4), gp_weight=0.1)}


def ring_centres(modes=RING_MODES, radius=RADIUS):
    """(modes, 2) centres evenly spaced on a circle of ``radius``."""
    angles = 2 * np.pi * np.arange(check_positive_int(modes, "modes")) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_points(n, std=0.02, modes=RING_MODES, radius=RADIUS, seed=0):
    """``n`` points of the ring mixture: a mode chosen uniformly, plus N(0, std²) noise."""
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(seed)
    centres = ring_centres(modes, radius)
    return (centres[rng.integers(0, len(centres), n)] + std * rng.standard_normal((n, 2))).astype(np.float32)


def to_model(points):
    """Ring coordinates → the [0, 1] "pixel" values a package GAN takes as real data."""
    return ((np.asarray(points, np.float32) / SCALE + 1.0) / 2.0).astype(np.float32)


def from_model(values):
    """A package GAN's outputs (``model.generate``) → ring coordinates."""
    return ((2.0 * np.asarray(values, np.float32) - 1.0) * SCALE).astype(np.float32)


def mode_counts(points, modes=RING_MODES, radius=RADIUS, max_distance=None):
    """(counts per mode, share of points near no mode).

    A point counts for its nearest centre when within ``max_distance`` of it (default: a
    quarter of the distance between neighbouring centres)."""
    centres = ring_centres(modes, radius)
    points = np.asarray(points, np.float64).reshape(-1, 2)
    if max_distance is None:  # a quarter of the distance between neighbouring centres (a diameter for one mode)
        max_distance = 0.5 * radius * np.sin(np.pi / max(len(centres), 2))
    if len(points) == 0:
        return np.zeros(len(centres), np.int64), 0.0
    d = np.linalg.norm(points[:, None] - centres[None], axis=-1)
    near = d.min(1) <= max_distance
    return np.bincount(d.argmin(1)[near], minlength=len(centres)), float(1.0 - near.mean())


def modes_covered(points, min_share=0.02, **kwargs):
    """Modes that receive at least ``min_share`` of the points (the digits monitor's 2 % rule)."""
    counts, _ = mode_counts(points, **kwargs)
    n = len(np.asarray(points).reshape(-1, 2))
    return int(np.sum(counts >= max(1.0, min_share * n)))


def mlp(inputs, outputs, width=128, depth=2, batch_norm=False, name=None, seed=0):
    """``inputs → depth × Dense(width) [→ BatchNorm] → ReLU → Dense(outputs)``.

    ``batch_norm`` as in the WGAN paper's critic: with every weight clipped to ±c, batch norm is what
    keeps the activations from shrinking by a factor of about c per layer. A gradient-penalty
    critic must not use it (the penalty is per sample)."""
    import keras

    x = inp = keras.Input((check_positive_int(inputs, "inputs"),))
    for i in range(check_positive_int(depth, "depth")):
        x = keras.layers.Dense(check_positive_int(width, "width"),
                               kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 100 + i))(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
    out = keras.layers.Dense(outputs, kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 100 + depth))(x)
    return keras.Model(inp, out, name=name)


def minibatch_std_discriminator(width=128, depth=2, seed=0):
    """An MLP discriminator that also sees its batch's spread (Karras et al. 2018's minibatch standard
    deviation, on the input): each point gets the mean over coordinates of the batch's per-coordinate
    standard deviation as a third input. A collapsed batch has almost none, so the discriminator
    rejects it whatever its points; the generator must spread out."""
    import keras

    inp = keras.Input((2,))
    spread = keras.layers.Lambda(
        lambda x: keras.ops.ones_like(x[:, :1]) * keras.ops.mean(keras.ops.std(x, axis=0)), name="batch_std")(inp)
    body = mlp(3, 1, width, depth, seed=seed)
    return keras.Model(inp, body(keras.layers.Concatenate()([inp, spread])), name="discriminator")


def optimizers(kind, learning_rates):
    """The paper's optimizer family of ``kind`` at (discriminator, generator) ``learning_rates``:
    Adam(β1 = 0.5) for GAN (DCGAN), RMSProp for WGAN, Adam(β1 = 0, β2 = 0.9) for WGAN-GP."""
    import keras

    make = {"gan": lambda lr: keras.optimizers.Adam(lr, beta_1=0.5),
            "wgan": keras.optimizers.RMSprop,
            "wgan_gp": lambda lr: keras.optimizers.Adam(lr, beta_1=0.0, beta_2=0.9)}[check_choice(kind, "kind", KINDS)]
    d_lr, g_lr = (check_positive(lr, "learning_rates") for lr in learning_rates)
    return {"discriminator_optimizer": make(d_lr), "generator_optimizer": make(g_lr)}


def build(kind, latent_dim=256, width=128, depth=2, learning_rates=None, seed=0, run_eagerly=None,
          critic_batch_norm=False, minibatch_std=False, **options):
    """A compiled package model of ``kind`` ("gan", "wgan", "wgan_gp") with MLP networks for 2-D points
    (``depth`` hidden layers of ``width`` units in the generator and in the critic).

    ``learning_rates`` = (discriminator, generator) in the paper's optimizer family (:func:`optimizers`);
    None keeps the class's defaults (the papers' rates). ``options`` go to the class: ``loss`` for
    GAN; ``clip_value`` and ``n_critic`` for WGAN; ``gp_weight`` and ``n_critic`` for WGAN-GP.
    ``minibatch_std``: the discriminator of :func:`minibatch_std_discriminator` (for GAN);
    ``critic_batch_norm``: batch norm in the critic's hidden layers (as the WGAN paper's);
    ``run_eagerly`` (default: quick mode, where a few eager steps beat tracing the step graph)."""
    from cv2course import settings
    from cv2course.gans import GAN, WGAN, WGANGP

    check_choice(kind, "kind", KINDS)
    generator = mlp(latent_dim, 2, width, depth, name="generator", seed=seed)
    if minibatch_std:
        critic = minibatch_std_discriminator(width, depth, seed=seed + 1)
    else:
        critic = mlp(2, 1, width, depth, batch_norm=critic_batch_norm,
                     name="discriminator" if kind == "gan" else "critic", seed=seed + 1)
    if kind == "gan":
        model = GAN(generator=generator, discriminator=critic, seed=seed, **options)
    else:
        model = {"wgan": WGAN, "wgan_gp": WGANGP}[kind](generator=generator, critic=critic, seed=seed, **options)
    model.compile(run_eagerly=settings.QUICK if run_eagerly is None else bool(run_eagerly),
                  **(optimizers(kind, learning_rates) if learning_rates else {}))
    return model


def point_batches(model, batch_size=256, seed=0, **ring):
    """An endless ``tf.data`` stream of ring samples, k × ``batch_size`` per ``fit`` step (k = the
    model's discriminator or critic steps), one minibatch per critic step: a pool of 100 steps' worth
    of points, reshuffled on each pass (each ``fit`` call starts a new pass)."""
    import tensorflow as tf

    steps = getattr(model, "n_critic", None) or model.discriminator_steps
    per_step = check_positive_int(batch_size, "batch_size") * int(steps)
    pool = to_model(ring_points(100 * per_step, seed=seed, **ring))
    ds = tf.data.Dataset.from_tensor_slices(pool).shuffle(len(pool), seed=seed).repeat()
    return ds.batch(per_step, drop_remainder=True).prefetch(2)


class Snapshots:
    """What :func:`train` recorded: generator ``steps``, the generated ``points`` of fixed noise at
    each, and the last training ``logs`` (dict of floats) of each chunk."""

    def __init__(self):
        self.steps, self.points, self.logs = [], [], []

    def at(self, steps):
        """The snapshots of step 0 and of ``steps`` only (a new :class:`Snapshots`)."""
        wanted = {0} | {int(s) for s in steps}
        kept = Snapshots()
        for step, points, logs in zip(self.steps, self.points, self.logs):
            if step in wanted:
                kept.steps.append(step)
                kept.points.append(points)
                kept.logs.append(logs)
        return kept


def train(model, steps, snapshot_steps=(), n_points=1000, batch_size=256, seed=0, **ring):
    """Train ``model`` (from :func:`build`) for ``steps`` generator steps; return :class:`Snapshots`
    of ``n_points`` fixed noise vectors at step 0, at each of ``snapshot_steps`` and at ``steps``.
    ``ring``: :func:`ring_points`'s ``std``, ``modes`` and ``radius`` of the data."""
    steps = check_positive_int(steps, "steps")
    data = point_batches(model, batch_size, seed, **ring)
    z = model.latent_vectors(check_positive_int(n_points, "n_points"), seed=seed + 1)
    shots, done = Snapshots(), 0
    shots.steps.append(0)
    shots.points.append(from_model(model.generate(z=z)))
    shots.logs.append({})
    for mark in sorted({int(s) for s in snapshot_steps if 0 < int(s) < steps} | {steps}):
        history = model.fit(data, steps_per_epoch=mark - done, epochs=1, verbose=0, shuffle=False)
        done = mark
        shots.steps.append(done)
        shots.points.append(from_model(model.generate(z=z)))
        shots.logs.append({k: float(v[-1]) for k, v in history.history.items()})
    return shots


#: Seed of the real sample that :func:`true_distances` measures against (not one of the training batches).
EVAL_SEED = 12345


def true_distances(shots, seed=EVAL_SEED, **ring):
    """The exact Earth Mover's distance (ring units) from each snapshot's generated points to as many
    fresh ring points (:func:`cv2course.metrics.earth_movers_distance_points`): the true distance that
    the critic's ``wasserstein`` log estimates. Two samples of the ring itself are not at 0: with
    1,000 points each it is 0.06-0.19 (mean 0.11 over 10 seeds: mode counts that differ by chance)."""
    from cv2course.metrics import earth_movers_distance_points

    out = []
    for points in shots.points:
        real = ring_points(len(points), seed=seed, **ring)
        out.append(earth_movers_distance_points(points, real))
    return np.asarray(out)


def critic_estimates(shots):
    """(steps, values): the critic's Wasserstein estimate E f(x) − E f(G(z)) of each chunk after step 0
    (the mean over that chunk's critic updates), converted to ring units (× :data:`SCALE`: the critic
    sees points divided by SCALE). With the gradient penalty the critic is close to 1-Lipschitz and the
    estimate is comparable with :func:`true_distances`; with weight clipping it is at most K·W for an
    unknown Lipschitz bound K set by c, so only its trend means something."""
    steps = [s for s, log in zip(shots.steps, shots.logs) if "wasserstein" in log]
    values = [SCALE * log["wasserstein"] for log in shots.logs if "wasserstein" in log]
    return np.asarray(steps), np.asarray(values)


def critic_surface(model, extent=3.0, resolution=60):
    """(xs, ys, scores): the discriminator's or critic's raw score on a grid over [−extent, extent]²
    (rows follow ys, columns xs)."""
    xs = np.linspace(-check_positive(extent, "extent"), extent, check_positive_int(resolution, "resolution"),
                     dtype=np.float32)
    grid = np.stack(np.meshgrid(xs, xs), -1).reshape(-1, 2)
    seen = 2.0 * to_model(grid) - 1.0  # what the critic sees of a point (GAN.real_images: x ↦ 2x − 1)
    scores = np.asarray(model.discriminator(seen, training=False)).reshape(len(xs), len(xs))
    return xs, xs.copy(), scores
