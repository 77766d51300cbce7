"""Checks that a screenshot is a real rendering: a PNG that is not blank, with the circular wait
highlighted in red. Read with Pillow (Debian's python3-pil). A blank page (an SVG the browser
refused) is one colour; a rendered diagram has many.
"""
import sys

from PIL import Image


def main(path):
    image = Image.open(path).convert("RGB")
    colours = {pixel for pixel in image.getdata()}
    red = sum(1 for r, g, b in image.getdata() if r > 180 and g < 80 and b < 80)
    print(f"{path}: {image.width}x{image.height}, {len(colours)} colours, {red} red pixels")
    assert len(colours) > 20, "the screenshot is blank: the SVG did not render"
    assert red > 50, "no red: the circular wait highlight did not render"


if __name__ == "__main__":
    main(sys.argv[1])
