"""Whether two published materials are the same document in other words.

"医保电子凭证或有效身份证件或社保卡" and "有效身份证件或医保电子凭证或社会保障卡" are one material;
"备案表" and "《异地就医登记备案表》" too. Each name becomes the set of concepts the 导办 search
reads in it (jieba with the guide terms, the synonym table's everyday words mapped to guide terms),
less the words every material has (材料, 复印件 …); two names match when the smaller concept set is
mostly inside the larger one.
"""
from functools import lru_cache

# Words that say what kind of paper it is, not which: they would match every material to every other.
GENERIC = frozenset(
    """材料 资料 相关 有效 提供 复印件 原件 复印 扫描件 一份 证明材料 文件 信息 出具 开具 提交 填写 加盖 公章
    单位公章 盖章 以及 或者 其他 包括 需要 个人 本人 参保 参保人 参保人员 基本 医疗 保险 医疗保险 基本医疗保险
    医保""".split()
)
THRESHOLD = 0.6


@lru_cache(maxsize=4096)
def concepts(name):
    """frozenset of the concepts in a material's name (guide terms after the synonym table)."""
    from yibao.catalog.search import query_terms

    found = set()
    for group in query_terms(name or ""):
        # The strongest form of each concept names it; its weaker sub-words are kept as well so that
        # 社会保障卡 and 社保卡 meet through the synonym table's 社会保障卡.
        for term, weight in group.items():
            if term not in GENERIC and len(term) > 1:
                found.add(term)
    return frozenset(found)


def same_material(a, b):
    """True when the two names are the same document by meaning (or by their exact words)."""
    if a == b:
        return True
    ca, cb = concepts(a), concepts(b)
    if not ca or not cb:
        return False
    small, large = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
    shared = len(small & large)
    return shared >= min(2, len(small)) and shared / len(small) >= THRESHOLD
