#!/usr/bin/env python3
"""Expected ids from a Python re-implementation of OpenAI's clip/simple_tokenizer.py.

The algorithm is that of the reference (github.com/openai/CLIP, clip/simple_tokenizer.py):
bytes_to_unicode, basic_clean + whitespace_clean + lower(), the same `regex` pattern with
IGNORECASE, BPE by merge rank with '</w>' on the last symbol, decode with errors="replace".
The only change: ftfy.fix_text (not installed here) is replaced by what the Java tokenizer does
instead: unpaired surrogates -> U+FFFD (ftfy's fix_surrogates), then unicodedata NFC.

Usage (from the directory holding pom.xml; Python 3.11 with the `regex` package):
  python generate_reference_tokens.py openai  /work/shared/clip-bpe/bpe_simple_vocab_16e6.txt.gz
      -> src/test/resources/org/ckcoop/backbone/text/reference-tokens.json
  python generate_reference_tokens.py hf  src/test/resources/org/ckcoop/backbone/text/tiny-vocab
      -> src/test/resources/org/ckcoop/backbone/text/tiny-vocab-tokens.json
     (tiny-vocab holds vocab.json + merges.txt written by TinyVocabularyTest's trainer)

Output: {"source": ..., "cases": [{"text", "ids", "decoded"}...],
         "decode": [{"ids", "text"}...]}; ids exclude <|startoftext|>/<|endoftext|>.
"""
import gzip
import html
import json
import pathlib
import random
import sys
import unicodedata

import regex

HERE = pathlib.Path("src/test/resources/org/ckcoop/backbone/text")
PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)


def byte_symbols():
    keep = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255]
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Reference:
    def __init__(self, vocab, merges):
        self.byte_to_char = byte_symbols()
        self.char_to_byte = {c: b for b, c in self.byte_to_char.items()}
        self.encoder = vocab
        self.decoder = {i: t for t, i in vocab.items()}
        self.ranks = {m: r for r, m in enumerate(merges)}
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}

    @staticmethod
    def openai(path):
        lines = gzip.open(path).read().decode("utf-8").split("\n")
        merges = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
        symbols = [byte_symbols()[b] for b in range(256)]
        symbols = sorted(symbols)  # dict order of bytes_to_unicode() values == code point order
        tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        return Reference({t: i for i, t in enumerate(tokens)}, merges)

    @staticmethod
    def hf(folder):
        folder = pathlib.Path(folder)
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        lines = (folder / "merges.txt").read_text(encoding="utf-8").split("\n")
        merges = [tuple(l.split()) for l in lines if l and not l.startswith("#version")]
        return Reference(vocab, merges)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            out, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and word[i] == best[0] and word[i + 1] == best[1]:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = tuple(out)
        result = " ".join(word)
        self.cache[token] = result
        return result

    def encode(self, text):
        text = clean(text)
        ids = []
        for piece in regex.findall(PATTERN, text):
            mapped = "".join(self.byte_to_char[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(mapped).split(" "))
        return ids

    def decode(self, ids):
        text = "".join(self.decoder[i] for i in ids)
        raw = bytearray(self.char_to_byte[c] for c in text)
        return raw.decode("utf-8", errors="replace").replace("</w>", " ")


def fix_text_substitute(text):
    text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return unicodedata.normalize("NFC", text)


def clean(text):
    text = fix_text_substitute(text)
    text = html.unescape(html.unescape(text)).strip()    # basic_clean
    text = regex.sub(r"\s+", " ", text).strip()           # whitespace_clean
    return text.lower()


HANDWRITTEN = [
    # templates and class names
    "a photo of a {}.", "a photo of a Abyssinian, a type of pet.", "itap of a {}.",
    "a bad photo of the {}.", "a origami {}.", "a photo of the large {}.", "art of the {}.",
    "a photo of a 2008 Chevrolet Silverado 2500HD Regular Cab.", "Boeing 737-400", "F/A-18",
    "spear thistle", "pomeranian", "yellow lady's slipper", "kit fox", "red admiral",
    "Sikorsky S-92, a type of aircraft.", "Annual Crop Land", "centered satellite photo of forest.",
    # contractions and the case-insensitive literals
    "You're, we've, I'm, they'll, he'd", "don't stop", "DON'T STOP", "it'S", "it'T", "we'RE",
    "'s's 's", "''s", "x's's", "!!'s", "rock'n'roll", "l'été", "it\u2019s curly", "o'clock",
    "ca'n't", "'", "''", "'sa", "'ll'", "it\u017fs", "'\u017f", "'\u017ftart",
    # special tokens
    "<|endoftext|>", "<|startoftext|>", "<|startoftext|>hello<|endoftext|>",
    "<|ENDOFTEXT|>", "< |endoftext| >", "<|endoftext|", "a<|endoftext|>b", "!<|startoftext|>",
    "<|\u017ftartoftext|>", "&lt;|endoftext|&gt;", "</w>", "a</w>b", "<w>",
    # HTML character references
    "&amp; &lt;tag&gt;", "&amp;amp;", "&amp;amp;amp;", "&amp;lt;", "&lt;b&gt;bold&lt;/b&gt;",
    "&quot;quoted&quot;", "&#39;s", "&#x27;s", "&#X41;&#x62;", "&#65;&#66", "&#65", "&#x41",
    "&#0;", "&#13;", "&#128;", "&#x80;", "&#x81;", "&#150;", "&#x9F;", "&#xD800;", "&#xDFFF;",
    "&#1114111;", "&#1114112;", "&#99999999999999999999;", "&#x110000;", "&#xFFFE;", "&#xFDD0;",
    "&#11;", "&#1;", "&#127;", "&#x1F600;", "&#128512;", "&#0000065;", "&#xg", "&#;", "&#", "&;",
    "&", "&&", "&&amp;", "& amp;", "&ampxyz", "&ampxyz;", "&amp", "&AMP", "&AMP;", "&Amp;",
    "&lt", "&ltx", "&gt1", "&notit;", "&notin;", "&noti", "&not", "&Eacute", "&eacute;",
    "&eacutex", "&NotEqualTilde;", "&nbsp;x&nbsp;", "&nbspx", "&copy2024", "&euro;5",
    "&frac12; cup", "&hellip;", "&mdash;", "&zwnj;", "&ThisIsNotAnEntityAtAllButLongerThan32Chars;",
    "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaamp;", "&\u00e9lan;", "&#x20;&#x20;x", "&Tab;x&NewLine;y",
    "&#8203;zero", "&#x2028;x", "tom &amp; jerry", "AT&T", "R&D", "&amp;#39;",
    # whitespace and control characters
    "  leading and trailing  ", "tab\tsep", "line\nbreak", "crlf\r\nline", "a\u00a0b", "a\u2003b",
    "a\u3000b", "a\u200bb", "a\u2028b", "a\x85b", "a\x0bb\x0cc", "\x1cx\x1d", "a\x1cb", "a \x1c b",
    "\x1c", " \x1c ", "\u180eMongolian", "a\u202fb\u205fc", "\u1680ogham", "\u00ad", "a\u00adb",
    "\t\n \r", "", " ", "\u0000null", "bell\x07", "esc\x1b[31mred",
    # letters, marks, digits in many scripts
    "crème brûlée", "cre\u0300me bru\u0302le\u0301e", "\u1100\u1161\u11a8", "Ελληνικά",
    "ΟΔΟΣ", "ΣΑΣ", "Σ", "AΣ", "A^Σ", "Σ^b", "A.Σ", "A'Σ", "AΣ'", "ΑΣ'Β", "AΣ\u0301", "1Σ",
    "ΣΣ", "ΌΣΟΣ.", "İstanbul", "KELVIN \u212a", "Straße", "ǅemal", "ﬁne ﬂour", "ＦＵＬＬ ｗｉｄｔｈ",
    "猫 and 狗", "東京タワー", "ｶﾀｶﾅ", "한국어 텍스트", "Русский текст", "עברית", "العربية",
    "हिन्दी", "ไทย", "ყველა", "Ꭰ Cherokee ꭰ", "\u0345", "a\u0345b", "x\u0345!", "\u03b1\u0345",
    "ab\u0345cd", "\u0391\u0345", "e\u0301", "\u0301", "\u20dd", "a\u20ddb",
    "12345", "3.14159", "1,000,000", "٣٤٥", "१२३", "Ⅻ ⅻ", "½ ¾", "²³", "①②", "𝟘𝟙", "x²",
    "🐶🐱", "👩\u200d👩\u200d👧", "🇫🇷", "❤️", "☃", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\U0001d400bc", "𐐀𐐨",
    "\ufffd", "\ud800", "a\udfffb", "\ud83d", "\ufeffbom",
    # punctuation runs
    "Hello, World!!!", "...", "?!?!", "--==--", "(a)[b]{c}", "@user #hashtag", "$5.99 + 20%",
    "a/b\\c|d", "«quotes»", "“double”", "‘single’", "‚low„", "—dash–", "~`^_", "e-mail",
    "http://example.com/path?q=1&amp;r=2", "user@example.com", "C++ and C#", "x_y_z", "1st 2nd 3rd",
]

LONG = [
    "a photo of " * 40,
    " ".join("word%d" % i for i in range(100)),
    "antidisestablishmentarianism " * 10,
    "supercalifragilisticexpialidocious" * 5,
    "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. " * 4,
    "😀" * 30,
    "&amp;" * 80,
]

FRAGMENTS = [
    "a", "the", "photo", "of", "dog", "CAT", "Bird", "car", "plane", "flower", "x", "zz",
    "don't", "it's", "we're", "I'll", "'s", "'d", "'m", "'ve", "'t", "'re", "'ll",
    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&nbsp;", "&eacute;", "&eacute",
    "&copy", "&#233;", "&#xE9;", "&#128;", "&amp;amp;", "&", "&#", "&x",
    "0", "1", "42", "3.5", "2024", "٣", "½",
    ",", ".", "!", "?", "-", "--", "...", "(", ")", "\"", "'", "/", ":", ";", "#", "@", "<", ">",
    "<|endoftext|>", "<|startoftext|>", "</w>",
    " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\x1c",
    "é", "e\u0301", "ü", "ß", "ø", "ñ", "ç", "Σ", "ς", "ο", "İ", "ı", "ſ", "\u0345",
    "猫", "犬", "日本", "한", "Ж", "я", "ש", "ع", "क", "ก", "🙂", "🐕", "👍🏽", "\u200d", "\ufe0f",
]

# Code point ranges for random characters: assigned in Unicode 13.0 (Java 17) already.
RANGES = [
    (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF),
    (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1E00, 0x1FFF), (0x2000, 0x206F),
    (0x2070, 0x209C), (0x20A0, 0x20BF), (0x2100, 0x218B), (0x2190, 0x23FF), (0x2460, 0x24FF),
    (0x2500, 0x27BF), (0x3000, 0x30FF), (0x4E00, 0x9FFC), (0xAC00, 0xD7A3), (0xFB00, 0xFB4F),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F300, 0x1F64F),
]


def random_text(rng):
    parts = []
    for _ in range(rng.randint(1, 14)):
        if rng.random() < 0.75:
            parts.append(rng.choice(FRAGMENTS))
        else:
            lo, hi = rng.choice(RANGES)
            while True:
                c = chr(rng.randint(lo, hi))
                if unicodedata.category(c) not in ("Cn", "Cs", "Co"):
                    break
            parts.append(c)
        if rng.random() < 0.5:
            parts.append(" ")
    text = "".join(parts)
    if rng.random() < 0.3:
        text = text.upper()
    return text


def main():
    mode, source = sys.argv[1], sys.argv[2]
    rng = random.Random(20261128)
    if mode == "openai":
        ref = Reference.openai(source)
        texts = HANDWRITTEN + LONG + [random_text(rng) for _ in range(400)]
        out = HERE / "reference-tokens.json"
        vocab_size = 49408
    else:
        ref = Reference.hf(source)
        texts = HANDWRITTEN + LONG[:3] + [random_text(rng) for _ in range(100)]
        out = HERE / "tiny-vocab-tokens.json"
        vocab_size = len(ref.encoder)
    cases = []
    for t in texts:
        ids = ref.encode(t)
        cases.append({"text": t, "ids": ids, "decoded": ref.decode(ids)})
    decode_cases = []
    for _ in range(300):
        n = rng.randint(1, 8)
        ids = [rng.randrange(512) if rng.random() < 0.7 else rng.randrange(vocab_size)
               for _ in range(n)]
        decode_cases.append({"ids": ids, "text": ref.decode(ids)})
    # Ill-formed UTF-8 where decoders disagree (Python replaces each maximal subpart), as byte
    # symbols: ids 0..255 are the bytes' symbols, 256..511 the same with </w>.
    byte_id = {b: sorted(ref.byte_to_char.values()).index(c) for b, c in ref.byte_to_char.items()}
    for hexbytes in ["eda080", "edbfbf41", "eda0c2", "f4908080", "f09f98", "e080", "c0af",
                     "f8888080", "e2828241", "efbfbe", "f0908080", "c3", "ed9fbf"]:
        raw = bytes.fromhex(hexbytes)
        ids = [byte_id[b] for b in raw[:-1]] + [byte_id[raw[-1]] + 256]
        decode_cases.append({"ids": ids, "text": ref.decode(ids)})
    origin = ("generate_reference_tokens.py %s %s (Python %s, regex %s, unicodedata %s)"
              % (mode, pathlib.Path(source).name, sys.version.split()[0], regex.__version__,
                 unicodedata.unidata_version))
    # One case per line, ASCII only (non-ASCII and lone surrogates as \\u escapes).
    text = ('{"source": %s,\n"cases": [\n%s\n],\n"decode": [\n%s\n]}\n' % (
        json.dumps(origin),
        ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases),
        ",\n".join(json.dumps(c, ensure_ascii=True) for c in decode_cases)))
    json.loads(text)
    out.write_text(text, encoding="ascii")
    print("wrote", out, len(cases), "cases,", len(decode_cases), "decode cases")


if __name__ == "__main__":
    main()
