"""Data for the semi-supervised GAN: a balanced labelled subset, and batches that pair the
unlabelled images with a cycled labelled batch."""
import numpy as np
import tensorflow as tf

from cv2course.checks import check_images, check_positive
from cv2course.data.pipelines import finish_pipeline


def labelled_subset(images, labels, n_labelled=100, num_classes=10, seed=0):
    """``n_labelled`` examples, as many per class (n_labelled / K), chosen at random with ``seed``:
    returns (images, labels)."""
    labels = np.asarray(labels)
    check_positive(n_labelled, "n_labelled", integer=True)
    if n_labelled % num_classes:
        raise ValueError(f"n_labelled must be a multiple of num_classes={num_classes} (a balanced labelled set), "
                         f"got {n_labelled}")
    per_class = n_labelled // num_classes
    rng = np.random.default_rng(seed)
    idx = []
    for k in range(num_classes):
        members = np.flatnonzero(labels == k)
        if len(members) < per_class:
            raise ValueError(f"class {k} has {len(members)} examples, fewer than the {per_class} needed")
        idx.append(rng.choice(members, per_class, replace=False))
    idx = np.sort(np.concatenate(idx))
    return np.asarray(images)[idx], labels[idx]


def semi_supervised_dataset(labelled_images, labels, unlabelled_images, batch_size=64, labelled_batch_size=None,
                            seed=0):
    """A ``tf.data.Dataset`` of ``((unlabelled, labelled), labels)`` batches for ``fit``.

    An epoch is one pass over the unlabelled images (shuffled, remainder dropped); the few
    labelled ones are cycled (reshuffled each pass), ``labelled_batch_size`` (default
    ``batch_size``) per step.
    """
    unlabelled_images = check_images(unlabelled_images, "unlabelled_images", channels=None)
    labelled_images = check_images(labelled_images, "labelled_images", channels=None)
    labels = np.asarray(labels).astype(np.int32)
    if labels.shape != (len(labelled_images),):
        raise ValueError(f"labels must have one integer per labelled image ({len(labelled_images)}), "
                         f"got shape {labels.shape}")
    check_positive(batch_size, "batch_size", integer=True)
    lb = int(labelled_batch_size or batch_size)
    if len(unlabelled_images) < batch_size:
        raise ValueError(f"unlabelled_images holds {len(unlabelled_images)} images, fewer than batch_size={batch_size}")
    unl = tf.data.Dataset.from_tensor_slices(unlabelled_images)
    unl = unl.shuffle(len(unlabelled_images), seed=seed, reshuffle_each_iteration=True).batch(batch_size, True)
    lab = tf.data.Dataset.from_tensor_slices((labelled_images, labels))
    lab = lab.shuffle(len(labels), seed=seed + 1, reshuffle_each_iteration=True).repeat().batch(lb, True)
    ds = tf.data.Dataset.zip((unl, lab)).map(lambda u, xy: ((u, xy[0]), xy[1]))
    return finish_pipeline(ds)
