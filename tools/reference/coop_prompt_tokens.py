#!/usr/bin/env python3
"""Golden token ids of CoOp's soft prompts, computed the way the official code does.

Independent of the Java tokenizer: this file is a port of OpenAI CLIP's
``clip/simple_tokenizer.py`` (as vendored in KaiyangZhou/CoOp, commit
ff61507c790454bce7c5052c3ac39e60772f1f89, ``clip/simple_tokenizer.py``) and of
``clip.tokenize`` (``clip/clip.py``), plus CoOp's prompt construction
(``trainers/coop.py`` ``PromptLearner.__init__`` lines 98-110 and ``forward``
lines 118-182; CoCoOp ``trainers/cocoop.py`` lines 104-116 and KgCoOp
``KgCoOp/trainers/kgcoop.py`` (htyao89/KgCoOp c43ccc32) build the same
``prompt_prefix + " " + name + "."`` and use the "end" arrangement).

Differences from the original, none of which changes the output for the cases here:

* ``ftfy.fix_text`` is not applied (ftfy is not installed here); it is the
  identity on plain ASCII text, and every case below is ASCII (checked).
* The merges are read from ``bpe_simple_vocab_16e6.txt.gz`` exactly as CLIP
  does (``merges[1:49152-256-2+1]``, i.e. the first 48,894 merges after the
  header line) and the encoder is built the same way (256 byte symbols, the same
  with ``</w>``, one id per merge, then ``<|startoftext|>``, ``<|endoftext|>``).

What a case records (CoOp's ``class_token_position`` "end", "middle", "front"):

* ``prompt``: ``prompt_prefix + " " + name + "."`` with ``name = classname.replace("_", " ")``;
* ``tokenized``: ``clip.tokenize(prompt)[0]`` up to and including the EOT (the
  rest is zero padding up to 77);
* ``eot``: ``tokenized_prompts.argmax(dim=-1)`` -- where the text feature is read,
  for every position ("middle"/"front" reuse the same ``tokenized_prompts``);
* ``name_len``: ``len(_tokenizer.encode(name))`` -- the name tokenised ALONE;
* ``arranged``: what ``PromptLearner.forward`` concatenates, position by
  position over the 77 positions, cut after ``eot``: the token id whose
  embedding sits there, or -1 where a context vector sits;
* ``context_slots``: the position of context vector k (k = 0..n_ctx-1) in the
  full 77-position arrangement (a position > eot cannot affect the feature).

Usage::

    python3 tools/reference/coop_prompt_tokens.py ../shared/clip-bpe/bpe_simple_vocab_16e6.txt.gz \\
        ckcoop-core/src/test/resources/org/ckcoop/core/prompt/coop-prompt-tokens.json
"""

import gzip
import html
import json
import sys

import regex as re

COMMAND = ("python3 tools/reference/coop_prompt_tokens.py ../shared/clip-bpe/bpe_simple_vocab_16e6.txt.gz "
           "ckcoop-core/src/test/resources/org/ckcoop/core/prompt/coop-prompt-tokens.json")
CONTEXT_LENGTH = 77


# --- clip/simple_tokenizer.py -------------------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    cs = [chr(n) for n in cs]
    return dict(zip(bs, cs))


def get_pairs(word):
    pairs = set()
    prev_char = word[0]
    for char in word[1:]:
        pairs.add((prev_char, char))
        prev_char = char
    return pairs


def basic_clean(text):
    # ftfy.fix_text(text) omitted: the identity on ASCII (every case here is ASCII, asserted in main)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    text = re.sub(r'\s+', ' ', text)
    text = text.strip()
    return text


class SimpleTokenizer(object):
    def __init__(self, bpe_path):
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {v: k for k, v in self.byte_encoder.items()}
        merges = gzip.open(bpe_path).read().decode("utf-8").split('\n')
        merges = merges[1:49152 - 256 - 2 + 1]
        merges = [tuple(merge.split()) for merge in merges]
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v + '</w>' for v in vocab]
        for merge in merges:
            vocab.append(''.join(merge))
        vocab.extend(['<|startoftext|>', '<|endoftext|>'])
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.decoder = {v: k for k, v in self.encoder.items()}
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {'<|startoftext|>': '<|startoftext|>', '<|endoftext|>': '<|endoftext|>'}
        self.pat = re.compile(
            r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
            re.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        pairs = get_pairs(word)

        if not pairs:
            return token + '</w>'

        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float('inf')))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break

                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            new_word = tuple(new_word)
            word = new_word
            if len(word) == 1:
                break
            else:
                pairs = get_pairs(word)
        word = ' '.join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        bpe_tokens = []
        text = whitespace_clean(basic_clean(text)).lower()
        for token in re.findall(self.pat, text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            bpe_tokens.extend(self.encoder[bpe_token] for bpe_token in self.bpe(token).split(' '))
        return bpe_tokens


# --- clip/clip.py tokenize (truncate=False: a too-long text raises) -----------------------------

def tokenize(tokenizer, text, context_length=CONTEXT_LENGTH):
    sot_token = tokenizer.encoder["<|startoftext|>"]
    eot_token = tokenizer.encoder["<|endoftext|>"]
    tokens = [sot_token] + tokenizer.encode(text) + [eot_token]
    if len(tokens) > context_length:
        raise RuntimeError(f"Input {text} is too long for context length {context_length}")
    return tokens + [0] * (context_length - len(tokens))


# --- CoOp trainers/coop.py PromptLearner --------------------------------------------------------

CTX = "ctx"


def coop_prompt(tokenizer, classname, n_ctx, ctx_init, position):
    if ctx_init:
        ctx_init = ctx_init.replace("_", " ")
        n_ctx = len(ctx_init.split(" "))
        prompt_prefix = ctx_init
    else:
        prompt_prefix = " ".join(["X"] * n_ctx)
    name = classname.replace("_", " ")
    name_len = len(tokenizer.encode(name))
    prompt = prompt_prefix + " " + name + "."
    tokenized = tokenize(tokenizer, prompt)
    eot = max(range(len(tokenized)), key=lambda i: (tokenized[i], -i))  # argmax: first maximum
    # token_prefix = embedding[:, :1, :]; token_suffix = embedding[:, 1 + n_ctx:, :]
    prefix = tokenized[:1]
    suffix = tokenized[1 + n_ctx:]
    ctx = [(CTX, k) for k in range(n_ctx)]
    if position == "end":
        arranged = prefix + ctx + suffix
    elif position == "middle":
        half_n_ctx = n_ctx // 2
        class_i = suffix[:name_len]
        suffix_i = suffix[name_len:]
        arranged = prefix + ctx[:half_n_ctx] + class_i + ctx[half_n_ctx:] + suffix_i
    elif position == "front":
        class_i = suffix[:name_len]
        suffix_i = suffix[name_len:]
        arranged = prefix + class_i + ctx + suffix_i
    else:
        raise ValueError(position)
    assert len(arranged) == CONTEXT_LENGTH
    context_slots = [arranged.index((CTX, k)) for k in range(n_ctx)]
    shown = [-1 if isinstance(a, tuple) else a for a in arranged[:eot + 1]]
    return {
        "class_name": classname,
        "ctx_init": ctx_init or "",
        "n_ctx": n_ctx,
        "position": position,
        "prompt": prompt,
        "name_tokens": tokenizer.encode(name),
        "name_len": name_len,
        "tokenized": tokenized[:eot + 1],
        "eot": eot,
        "arranged": shown,
        "context_slots": context_slots,
        # true when the name's own tokens are NOT what follows the context in the whole string
        "differs_from_separate": tokenizer.encode(name) + tokenizer.encode(".") != tokenized[1 + n_ctx:eot],
    }


NAMES = [
    "cat (tabby)",        # ends in ')': ")." is one pre-token
    "rock & roll!",       # ends in '!': "!." is one pre-token
    "A.I.",               # ends in '.': ".." is one pre-token
    "dog's",              # ends in 's (contraction pre-token)
    "Boeing 737",         # ends in digits (each digit its own pre-token)
    "golden_retriever",   # '_' read as a space
    "Welsh_Corgi(Pembroke)",
    "face",               # plain
    "red circle",         # plain, two words
    "yes?!",              # punctuation run
    "wait-..",            # alone 3 tokens ("-", ".." apart), whole string 2 ("-..." one token): in
                          # "middle"/"front" the count split puts the EOT into class_i
]
SETTINGS = [(4, "", p) for p in ("end", "middle", "front")] + \
           [(16, "", p) for p in ("end", "middle", "front")] + \
           [(4, "a photo of a", "end")]


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    tokenizer = SimpleTokenizer(argv[1])
    cases = []
    for n_ctx, ctx_init, position in SETTINGS:
        for name in NAMES:
            assert name.isascii() and ctx_init.isascii()
            cases.append(coop_prompt(tokenizer, name, n_ctx, ctx_init, position))
    out = {
        "command": COMMAND,
        "source": "port of openai CLIP clip/simple_tokenizer.py + clip.tokenize and CoOp trainers/coop.py "
                  "PromptLearner (KaiyangZhou/CoOp ff61507c790454bce7c5052c3ac39e60772f1f89)",
        "context_length": CONTEXT_LENGTH,
        "sot": tokenizer.encoder["<|startoftext|>"],
        "eot_token": tokenizer.encoder["<|endoftext|>"],
        "cases": cases,
    }
    header = json.dumps({k: v for k, v in out.items() if k != "cases"}, indent=1)[:-2]
    body = ",\n".join("  " + json.dumps(c) for c in cases)
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(header + ',\n "cases": [\n' + body + "\n ]\n}\n")
    json.load(open(argv[2], encoding="utf-8"))  # well-formed
    differing = sorted({c["class_name"] for c in cases if c["differs_from_separate"]})
    print(f"{len(cases)} cases written to {argv[2]}; names whose whole-string tokens differ from "
          f"name + '.' tokenised separately: {differing}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
