"""Embedded datasets and images, TFDS loaders and image folders.

Everything here works offline: sample images and digits ship inside scikit-image and
scikit-learn.
"""
from cv2course.data.datasets import DATASETS, dataset_choice, dataset_shape, load_dataset, load_train_test
from cv2course.data.digits import digits
from cv2course.data.folders import image_files, image_folder
from cv2course.data.images import (image_from, list_sample_images, load_image, resize_image, sample_image,
                                   save_image, to_rgb, to_uint8)
from cv2course.data.tfds import tfds_builder, tfds_images

__all__ = ["DATASETS", "dataset_choice", "dataset_shape", "digits", "image_files", "image_folder", "image_from",
           "list_sample_images", "load_dataset", "load_image", "load_train_test", "resize_image", "sample_image",
           "save_image", "tfds_builder", "tfds_images", "to_rgb", "to_uint8"]
