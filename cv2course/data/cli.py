"""``cv2course sample-image NAME -o OUT.png``: write one of the embedded sample images.

    cv2course sample-image --list
    cv2course sample-image astronaut -o astronaut.png --size 256
"""


def run(args):
    from cv2course.cli import writing
    from cv2course.data import list_sample_images, sample_image, save_image

    if args.list or not args.name:
        print("\n".join(list_sample_images()))
        return 0
    if not args.output:
        raise ValueError("give -o OUT.png to write the image (or --list to see the names)")
    image = sample_image(args.name, size=args.size)
    with writing(args.output):
        path = save_image(args.output, image)
    print(f"wrote {path}")
    return 0


def register(sub):
    p = sub.add_parser("sample-image", help="write an embedded sample image (scikit-image's photos and textures)")
    p.add_argument("name", nargs="?", help="sample image name (see --list)")
    p.add_argument("-o", "--output", metavar="OUT.png", help="output file (.png, .jpg)")
    p.add_argument("--size", type=int, default=None, help="shorter side in pixels")
    p.add_argument("--list", action="store_true", help="list the names")
    p.set_defaults(func=run)
