"""Independent G4 reference for G4LibtiffTests: libtiff through Debian's Pillow 9.4 and through tiffcp.

For every NAME.pbm in the folder given:
  NAME.pil.g4 / NAME.pil.txt  the strips libtiff wrote for Pillow's save(compression="group4"), concatenated, and
                              "photometric rows_per_strip strip_count"
  NAME.tcp.g4 / NAME.tcp.txt  the same for `tiffcp -c g4 -r HEIGHT` of an uncompressed TIFF of the image
and for every NAME.ours.tif (RleTcp's tiff-g4 output):
  NAME.ours.bits              the packed rows (MSB first, 1 = white) libtiff decoded it to
Any missing tool is an error (exit code non-zero), never a skip.
"""
import os
import subprocess
import sys

from PIL import Image


def strips(path):
    with Image.open(path) as im:
        tags = im.tag_v2
        offsets, counts = tags[273], tags[279]
        photometric, rps = tags[262], tags.get(278, im.size[1])
    with open(path, "rb") as f:
        data = f.read()
    body = b"".join(data[o:o + c] for o, c in zip(offsets, counts))
    return body, f"{photometric} {rps} {len(offsets)}"


def write(prefix, body_info):
    body, info = body_info
    with open(prefix + ".g4", "wb") as f:
        f.write(body)
    with open(prefix + ".txt", "w") as f:
        f.write(info)


def main(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".ours.tif"):
            with Image.open(path) as im:
                im.load()
                assert im.mode == "1", f"{name}: libtiff opened it as mode {im.mode}"
                data = im.tobytes()
            with open(path[: -len(".tif")] + ".bits", "wb") as f:
                f.write(data)
        elif name.endswith(".pbm"):
            stem = path[: -len(".pbm")]
            with Image.open(path) as im:
                im = im.convert("1")
                im.save(stem + ".pil.tif", compression="group4")
                im.save(stem + ".raw.tif")
                height = im.size[1]
            write(stem + ".pil", strips(stem + ".pil.tif"))
            subprocess.run(["tiffcp", "-c", "g4", "-r", str(height), stem + ".raw.tif", stem + ".tcp.tif"], check=True)
            write(stem + ".tcp", strips(stem + ".tcp.tif"))


if __name__ == "__main__":
    main(sys.argv[1])
