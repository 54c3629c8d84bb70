"""Find a font that covers Chinese before rendering, so a report never comes out as tofu boxes."""

from __future__ import annotations

import functools
import shutil
import subprocess

from ..errors import SetupError

# In order of preference; the stylesheet lists the same families.
CHINESE_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei")
INSTALL_HINT = "请安装中文字体：sudo apt-get install fonts-noto-cjk（或运行 make demo，它会自动安装）"


@functools.cache
def chinese_font() -> str:
    """The family the report will use; ``SetupError`` when fontconfig knows no Chinese font."""
    if shutil.which("fc-list") is None:
        raise SetupError(f"找不到 fontconfig（fc-list），无法确认中文字体。{INSTALL_HINT}")
    try:
        listing = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(f"查询字体失败（{exc}）。{INSTALL_HINT}") from None
    available = {name.strip() for line in listing.splitlines() for name in line.split(",")}
    for family in CHINESE_FAMILIES:
        if family in available:
            return family
    raise SetupError("没有找到可显示中文的字体（" + "、".join(CHINESE_FAMILIES) + "），"
                     f"生成的 PDF 会把汉字显示成方框。{INSTALL_HINT}")
