"""Style transfer on this CPU: the package's Adam step vs the TF tutorial's loop, and Adam vs L-BFGS.

    python benchmarks/nst.py [--content chelsea] [--style gravel] [--size 256] [--adam-steps 300]
                             [--timing-steps 10] [--rounds 3] [--seed 0]

Both use the bundled VGG16 (the "tf_tutorial" preset's layers: block5_conv2 for content,
block1..5_conv1 for style) at ``--size`` px (longer side) and the tutorial's weights.

1. Seconds per Adam step: the package's ``StyleTransfer`` and a plain transcription of
   the TensorFlow tutorial's ``train_step`` (einsum Gram / num_locations, mean squared
   errors, ``tf.image.total_variation``), run alternately in this process, median of
   ``--rounds`` rounds of ``--timing-steps`` steps after one warm-up (tracing) step.
2. Loss reached: Adam for ``--adam-steps`` steps (its wall time T), then L-BFGS-B for the
   same wall time T, on the same loss from the same start (the content image); the time
   L-BFGS needed to reach Adam's final loss.

CONTENT and STYLE are files or sample-image names.
"""
import argparse
import time
import warnings

import numpy as np


def tutorial_loop(extractor, content, style, style_layers, content_layers):
    """The TF tutorial's loss and train_step, transcribed (one image variable, Adam, clipping)."""
    import tensorflow as tf

    from cv2course.nst.tutorial_reference import tutorial_loss

    total_loss = tutorial_loss(extractor, content, style, style_layers, content_layers)
    image = tf.Variable(content[None])
    opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)

    def clip_0_1(img):
        return tf.clip_by_value(img, clip_value_min=0.0, clip_value_max=1.0)

    @tf.function()
    def train_step(image):
        with tf.GradientTape() as tape:
            loss = total_loss(image)
        grad = tape.gradient(loss, image)
        opt.apply_gradients([(grad, image)])
        image.assign(clip_0_1(image))
        return loss

    return lambda: train_step(image)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="chelsea", help="content image file or sample name")
    parser.add_argument("--style", default="gravel", help="style image file or sample name")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--adam-steps", type=int, default=300)
    parser.add_argument("--timing-steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from cv2course.backbones import vgg_features
    from cv2course.data import image_from, resize_image
    from cv2course.nst import StyleTransfer
    from cv2course.nst.transfer import long_side_size
    from cv2course.settings import set_seed

    set_seed(args.seed)
    content = image_from(args.content)
    content = resize_image(content, long_side_size(content, args.size))
    style = image_from(args.style)
    style = resize_image(style, long_side_size(style, args.size))
    style_layers = [f"block{b}_conv1" for b in range(1, 6)]
    content_layers = ["block5_conv2"]
    extractor = vgg_features(style_layers + content_layers, arch="vgg16", weights="bundled")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = StyleTransfer.from_preset("tf_tutorial", arch="vgg16", weights="bundled", extractor=extractor,
                                       size=None)

    # 1. seconds per Adam step, alternating the two loops so both see the same machine load
    tutorial_step = tutorial_loop(extractor, content, style, style_layers, content_layers)
    tutorial_step()  # trace
    ours, theirs = [], []
    for _ in range(args.rounds):
        r = st.run(content, style, steps=args.timing_steps + 1, optimizer="adam", verbose=0)
        times = np.diff(r.history["time"])[1:]  # drop the tracing step
        ours.append(float(np.mean(times)))
        t0 = time.perf_counter()
        for _ in range(args.timing_steps):
            tutorial_step()
        theirs.append((time.perf_counter() - t0) / args.timing_steps)
    ours_s, theirs_s = float(np.median(ours)), float(np.median(theirs))

    # 2. Adam for N steps, then L-BFGS for the same wall time
    adam = st.run(content, style, steps=args.adam_steps, optimizer="adam", verbose=1)
    budget = adam.history["time"][-1]
    lbfgs = st.run(content, style, steps=10 * args.adam_steps, optimizer="lbfgs", verbose=1, max_seconds=budget)
    target = adam.history["total"][-1]
    reached = [t for t, loss in zip(lbfgs.history["time"], lbfgs.history["total"]) if loss <= target]
    t_reach = reached[0] if reached else float("nan")

    h, w = content.shape[:2]
    print(f"\nStyle transfer benchmark: {w}x{h} content '{args.content}', style '{args.style}', "
          f"{st.weights_label}, tf_tutorial loss (layers {content_layers[0]} / block1..5_conv1)")
    print(f"{'':34} {'s/step':>8} {'steps':>7} {'seconds':>8} {'loss':>12}")
    print(f"{'Adam step, cv2course':34} {ours_s:8.3f}")
    print(f"{'Adam step, TF tutorial loop':34} {theirs_s:8.3f}   (ratio cv2course/tutorial {ours_s / theirs_s:.2f})")
    print(f"{'Adam (0.02, 0.99, 0.1)':34} {'':8} {adam.history['step'][-1]:7d} {budget:8.1f} {target:12.5g}")
    print(f"{'L-BFGS-B, same wall time':34} {'':8} {lbfgs.history['step'][-1]:7d} "
          f"{lbfgs.history['time'][-1]:8.1f} {lbfgs.history['total'][-1]:12.5g}")
    print(f"L-BFGS reached Adam's {args.adam_steps}-step loss after {t_reach:.1f} s "
          f"({t_reach / budget:.0%} of Adam's time)" if reached else
          "L-BFGS did not reach Adam's final loss within Adam's time")
    print(f"start loss {adam.history['total'][0]:.5g}; per-step time rounds: cv2course {np.round(ours, 3).tolist()}, "
          f"tutorial {np.round(theirs, 3).tolist()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
