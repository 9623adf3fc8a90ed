"""The TensorFlow style-transfer tutorial's loss, transcribed as a reference to compare with.

Not the course's formulas (those are :mod:`cv2course.nst.losses`): the tutorial divides the
Gram matrix by the number of positions and averages squared errors, so its per-layer terms
are 4× the course's. The ``"tf_tutorial"`` preset reproduces this loss in the course's
normalisation (checked by a test), and ``benchmarks/nst.py`` times the tutorial's loop with it.
"""


def tutorial_loss(extractor, content, style, style_layers, content_layers):
    """``loss(image)``: the tutorial's ``style_content_loss(extract(image))`` plus
    ``total_variation_weight · tf.image.total_variation(image)``, with its weights (style 1e-2,
    content 1e4, TV 30) and its targets from ``content`` and ``style`` (HWC in [0, 1])."""
    import tensorflow as tf

    num_style_layers, num_content_layers = len(style_layers), len(content_layers)
    style_weight, content_weight, total_variation_weight = 1e-2, 1e4, 30

    def gram_matrix(input_tensor):
        result = tf.linalg.einsum("bijc,bijd->bcd", input_tensor, input_tensor)
        input_shape = tf.shape(input_tensor)
        num_locations = tf.cast(input_shape[1] * input_shape[2], tf.float32)
        return result / num_locations

    def extract(inputs):  # StyleContentModel.call; the extractor does the caffe preprocessing
        outputs = extractor(inputs)
        return {"content": {name: outputs[name] for name in content_layers},
                "style": {name: gram_matrix(outputs[name]) for name in style_layers}}

    style_targets = extract(tf.constant(style[None]))["style"]
    content_targets = extract(tf.constant(content[None]))["content"]

    def style_content_loss(outputs):
        style_outputs = outputs["style"]
        content_outputs = outputs["content"]
        style_loss = tf.add_n([tf.reduce_mean((style_outputs[name] - style_targets[name]) ** 2)
                               for name in style_outputs.keys()])
        style_loss *= style_weight / num_style_layers
        content_loss = tf.add_n([tf.reduce_mean((content_outputs[name] - content_targets[name]) ** 2)
                                 for name in content_outputs.keys()])
        content_loss *= content_weight / num_content_layers
        return style_loss + content_loss

    def loss(image):
        return style_content_loss(extract(image)) + total_variation_weight * tf.image.total_variation(image)

    return loss
