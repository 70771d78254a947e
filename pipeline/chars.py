"""Character classes of Chinese text: one copy, for the reading stages and the writers.

    HAN, CJK_PUNCT, CJK   bodies of regular-expression classes (to put inside [...])
    NO_LINE_START         marks no line may start with (GB/T 15834, W3C clreq): closing
                          brackets and quotes, stops, dashes and ellipses, ％ ‰ 々 〃 ～
    NO_LINE_END           marks no line may end with: the opening brackets and quotes

The line-breaking sets are strings, so that `"" in NO_LINE_START` is true as for any string:
a caller testing the character after a break (`text[i:i + 1]`) must test for the end itself.
"""
from __future__ import annotations

# Han ideographs (BMP, extension A, compatibility, supplementary planes) and the
# full-width punctuation that sits between them in Chinese text.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014\u00d7\u00b7"
CJK = HAN + CJK_PUNCT

NO_LINE_START = "，。、；：？！”’）》〉」』】〕〗〙〛｝］…—‥·～％‰々〃!),.:;?]}%"
NO_LINE_END = "“‘（《〈「『【〔〖〘〚｛［([{"

# Characters Unicode calls ambiguous in width, which Chinese text sets a full cell wide but
# LibreOffice takes for Latin script whatever w:hint says (it draws × narrow in Times): the
# Word writer puts them in runs of their own whose Latin font is the Chinese one.
WIDE_IN_CHINESE = "×·°∶℃…—"
QUOTES = "“”‘’"  # ambiguous too: LibreOffice gives them the script of the character before
REPLACEMENT = "□"  # printed where no installed font has the character
