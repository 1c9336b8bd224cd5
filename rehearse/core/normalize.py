"""Text normalisation for matching what a recognizer heard against prepared key phrases.

Recognizers print the same words in different styles: Vosk writes "sixty two percent", Whisper writes "62%".
:func:`tokenize` turns either into the same list of :class:`Token`\\ s — lower case, no punctuation, contractions
expanded ("I'm" -> "i am", "haven't" -> "have not"), symbols spelled out ("%" -> "percent", "$400,000" ->
"400000 dollars"), and every number canonicalised to digits (number words are read with text2num). Each token keeps
the span of original whitespace-separated words it came from, so matches can point back at the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple
from decimal import Context, Decimal, localcontext

from text_to_num import text2num

__all__ = ["Token", "tokenize", "canonical_number", "stem", "FILLERS", "ARTICLES", "NEGATIONS", "CURRENCIES"]


class Token(NamedTuple):
    """One normalised word. ``first``/``last`` index the original ``text.split()`` words (inclusive)."""

    text: str
    first: int
    last: int
    number: bool = False  # canonical digits ("62", "2.5", "2023", "3th" for ordinals)


# Words a speaker may insert (or a recognizer may drop) without changing what was said.
FILLERS = frozenset("um umm uh uhh er erm ah eh hmm mm mhm like so well actually basically just really okay ok".split())
ARTICLES = frozenset("a an the".split())
NEGATIONS = frozenset("not no never none nothing nobody neither nor cannot without".split())

_CONTRACTIONS = {
    "i'm": "i am", "im": "i am", "won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not",
    "ain't": "is not", "let's": "let us", "y'all": "you all", "gonna": "going to", "wanna": "want to",
    "gotta": "got to", "o'clock": "oclock",
}
_SUFFIXES = [("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"), ("'m", " am")]
_S_IS = frozenset("it that he she there what who here where how everyone everything nobody something this".split())
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds"}
CURRENCIES = frozenset("dollar dollars euro euros pound pounds bucks".split())
_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12, "k": 1000, "m": 10**6,
           "mm": 10**6, "bn": 10**9, "b": 10**9}
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = frozenset(_UNITS + _TENS + ["hundred", "thousand", "million", "billion", "trillion"])
_DIGIT_WORDS = {w: str(i) for i, w in enumerate(_UNITS[:10])} | {"oh": "0", "o": "0"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
             "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
             "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
             "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000}

_NUMBERISH = _NUMBER_WORDS | frozenset(_ORDINALS) | {"a"}  # words that may start a number
# pieces that may start, continue or end a number ("a hundred", "two point oh", "$1.2 million", "400k")
_NUMBER_CONTEXT = _NUMBERISH | frozenset(_DIGIT_WORDS) | frozenset(_SCALES) | frozenset(_CURRENCY.values()) | {
    "and", "point"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'", "\u2013": "-", "\u2014": "-",
                              "\u2212": "-", "\u2010": "-", "\u2011": "-"})
_DIGITS_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(st|nd|rd|th|s|k|m|mm|bn|b)?$")
_PIECE_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?[a-z]*|\d+(?:\.\d+)?[a-z]*|[a-z0-9]+(?:'[a-z]+)*|[$€£%&+]")
_SPLIT_RE = re.compile(r"[-/_:;\"()\[\]{}<>|~^*=#@!?…]+|\.(?!\d)|,(?!\d)|(?<!\d),")
_ONE_ON_ONE_RE = re.compile(r"\b1:1")
_CODE_RE = re.compile(r"^([a-z]+)(\d+)$")
_CONTINUATION_RE = re.compile(r"^([.,]\d+)")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
_EXACT = Context(prec=100_000, Emax=999_999)
_STOPS = frozenset(".,;:!?\u2026\u2014\u2013)")


def canonical_number(value: str) -> str:
    """'2.50' -> '2.5', '2.0' -> '2', '400,000' -> '400000', '007' -> '7'. Anything else is returned unchanged."""
    plain = value.replace(",", "")
    if not _NUMBER_RE.match(plain):
        return value
    whole, _, fraction = plain.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _scaled(value: str, scale: int) -> str:
    """'1.2' x 1000000 -> '1200000', exactly."""
    with localcontext(_EXACT):
        return canonical_number(format(Decimal(value.replace(",", "")) * scale, "f"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light plural/possessive stem used as a comparison key ("tickets" -> "ticket")."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _expand(piece: str) -> list[str]:
    """Expand contractions and possessives of one lower-case piece."""
    if piece in _CONTRACTIONS:
        return _CONTRACTIONS[piece].split()
    for suffix, repl in _SUFFIXES:
        if piece.endswith(suffix) and len(piece) > len(suffix):
            return (piece[: -len(suffix)] + repl).split()
    if piece.endswith("'s"):
        base = piece[:-2]
        return [base, "is"] if base in _S_IS else ([base] if base else [])
    if piece.endswith("s'"):
        return [piece[:-1]]
    return [p for p in piece.split("'") if p] if "'" in piece else [piece]


@lru_cache(maxsize=65536)
def _raw_pieces(word: str) -> tuple[str, ...]:
    """Split one original word into lower-case pieces, spelling out symbols."""
    word = unicodedata.normalize("NFKC", word).translate(_APOSTROPHES).lower()
    word = _ONE_ON_ONE_RE.sub("1 on 1", word)
    lead = _CONTINUATION_RE.match(word)
    if lead:  # ".9" or ",000": the rest of a number whose first digits are the previous word ("99 .9 %")
        return (lead.group(1),) + (_raw_pieces(word[lead.end():]) if word[lead.end():] else ())
    out: list[str] = []
    for chunk in _SPLIT_RE.split(word):
        chunk = chunk.strip(".'")
        if not chunk:
            continue
        trailing: list[str] = []
        for piece in _PIECE_RE.findall(chunk):
            if piece in _CURRENCY:
                trailing.append(_CURRENCY[piece])  # "$400" -> "400 dollars": the unit follows the number
            elif piece == "%":
                out.append("percent")
            elif piece in ("&", "+"):
                out.append("and" if piece == "&" else "plus")
            else:
                code = _CODE_RE.match(piece)  # "q2", "ec2": a code said letter(s) then number ("q two")
                out.extend(code.groups() if code else _expand(piece))
                if trailing and piece[:1].isdigit():
                    out.extend(trailing)
                    trailing = []
        out.extend(trailing)
    return tuple(out)


def _digits_piece(piece: str) -> tuple[str, list[str]] | None:
    """'400,000' -> ('400000', []); '62nd' -> ('62th', []); '400k' -> ('400000', []); '1s' -> ('1', ['s'])."""
    m = _DIGITS_RE.match(piece)
    if not m:
        return None
    value, suffix = m.group(1), m.group(2) or ""
    if suffix in ("st", "nd", "rd", "th"):
        return canonical_number(value) + "th", []
    if suffix in _SCALES:
        return _scaled(value, _SCALES[suffix]), []
    if suffix == "s":  # "1:1s" -> "ones" as in "one on ones"; "1990s" stays a number
        return ("ones", []) if value == "1" else (canonical_number(value) + "s", [])
    return canonical_number(value), []


@lru_cache(maxsize=4096)
def _read_number_run(words: tuple[str, ...]) -> tuple[str, int] | None:
    """Read the longest number at the start of ``words`` (number words). Returns (canonical, words used)."""
    best = None
    for end in range(min(len(words), 12), 0, -1):
        chunk = words[:end]
        if chunk[-1] == "and" or chunk[0] == "and":
            continue
        try:
            best = (str(text2num(" ".join(chunk), "en")), end)
            break
        except ValueError:
            continue
    if best is None:
        return None
    value, used = best
    # decimals: "two point five", "two point oh"
    if used + 1 < len(words) and words[used] == "point" and words[used + 1] in _DIGIT_WORDS:
        digits = []
        i = used + 1
        while i < len(words) and words[i] in _DIGIT_WORDS:
            digits.append(_DIGIT_WORDS[words[i]])
            i += 1
        return canonical_number(value + "." + "".join(digits)), i
    # ordinals: "twenty third"
    if used < len(words) and words[used] in _ORDINALS and int(value) % 10 == 0 and int(value) >= 20:
        return f"{int(value) + _ORDINALS[words[used]]}th", used + 1
    return value, used


def _is_run_word(word: str) -> bool:
    return word in _NUMBER_WORDS or word in ("and", "point", "oh") or word in _ORDINALS


_new_token = tuple.__new__


def tokenize(text: str) -> list[Token]:
    """Normalise ``text`` into tokens; each keeps the span of original whitespace words it came from.

    Number words are read in runs ("four hundred thousand" -> 400000) that do not cross punctuation, and two spoken
    two-digit numbers in a row are read as a year ("twenty twenty three" -> 2023).
    """
    tokens: list[Token] = []
    flat: list[tuple[str, int, bool]] = []  # (piece, original word index, punctuation after it) around numbers
    for index, word in enumerate(text.split()):
        pieces, stop, plain = _word_info(word)
        if plain:  # no number can start, continue or end here: the pieces are the tokens
            if flat:
                _read_pieces(flat, tokens)
                flat = []
            if len(pieces) == 1:
                tokens.append(_new_token(Token, (pieces[0], index, index, False)))  # Token(...), without its __new__
            else:
                tokens.extend([Token(piece, index, index) for piece in pieces])
            continue
        for n_piece, piece in enumerate(pieces):
            flat.append((piece, index, stop and n_piece == len(pieces) - 1))
        if stop and not pieces and flat:
            flat[-1] = (flat[-1][0], flat[-1][1], True)
    if flat:
        _read_pieces(flat, tokens)
    return tokens


@lru_cache(maxsize=65536)
def _word_info(word: str) -> tuple[tuple[str, ...], bool, bool]:
    """(pieces, ends with punctuation, plain: none of its pieces can be part of a number)."""
    pieces = _raw_pieces(word)
    plain = not any(p in _NUMBER_CONTEXT or p[0].isdigit() or p[0] in ".," for p in pieces)
    return pieces, word[-1] in _STOPS, plain


def _read_pieces(flat: list[tuple[str, int, bool]], tokens: list[Token]) -> None:
    """Turn pieces that hold numbers into tokens, reading number words and digits."""
    year_start = -1  # index in tokens of a spoken two-digit number that may start a year
    i = 0
    n = len(flat)
    while i < n:
        piece, index, stop = flat[i]
        if piece not in _NUMBERISH and not piece[0].isdigit() and piece[0] not in ".,":  # the common case: a plain word
            tokens.append(Token(piece, index, index))
            year_start = -1
            i += 1
            continue
        if piece[0] in ".,":  # a continuation with nothing to continue
            piece = "0" + piece if piece[0] == "." else piece[1:]
        parsed = _digits_piece(piece) if piece[:1].isdigit() else None
        if parsed is not None:
            value, rest = parsed
            last = index
            k = i + 1
            unit = k < n and flat[k][0] in _CURRENCY.values() and flat[k][1] == index  # "$400" -> 400, dollars
            if unit:
                k += 1
            # Whisper's words may split a number: "99", ".9", "%" or "$400", ",000"
            while k < n and not flat[k - 1][2] and flat[k][0][0] in ".," and piece.replace(".", "", 1).isdigit():
                more = flat[k][0]
                if "." in value or (more[0] == "," and len(more) != 4):
                    break
                value = canonical_number(value + more.replace(",", ""))
                last = flat[k][1]
                k += 1
            # "1.2 million", "400 thousand", "$1.2 million" (pieces: 1.2, dollars, million)
            if (k < n and not flat[k - 1][2] and flat[k][0] in ("thousand", "million", "billion", "trillion", "k")
                    and value.replace(".", "", 1).isdigit()):
                value = _scaled(value, _SCALES[flat[k][0]])
                last = flat[k][1]
                k += 1
            if unit:
                rest = [flat[i + 1][0]] + rest
            i = k - 1
            tokens.append(Token(value, index, last, value[:1].isdigit()))
            tokens.extend(Token(r, index, index) for r in rest)
            year_start = -1
            i += 1
            continue
        if piece in _NUMBER_WORDS or piece in _ORDINALS or (piece == "a" and i + 1 < n and not stop and flat[i + 1][0] in (
                "hundred", "thousand", "million")):
            j = i
            run = []
            while j < n and j - i < 16 and (_is_run_word(flat[j][0]) or (j == i and flat[j][0] == "a")):
                run.append("one" if (j == i and flat[j][0] == "a") else flat[j][0])
                j += 1
                if flat[j - 1][2]:
                    break
            if run and run[0] in _ORDINALS:
                tokens.append(Token(f"{_ORDINALS[run[0]]}th", index, index, True))
                year_start = -1
                i += 1
                continue
            read = _read_number_run(tuple(run))
            if read is not None:
                value, used = read
                last_i = i + used - 1
                # "1.2 million" spoken: "one point two million"
                if (last_i + 1 < n and not flat[last_i][2] and flat[last_i + 1][0] in ("thousand", "million", "billion")
                        and "." in value):
                    value = _scaled(value, _SCALES[flat[last_i + 1][0]])
                    last_i += 1
                # "two hundred fifty k": a spoken number in thousands
                if last_i + 1 < n and not flat[last_i][2] and flat[last_i + 1][0] == "k":
                    value = _scaled(value, 1000)
                    last_i += 1
                if 0 <= year_start == len(tokens) - 1 and len(value) == 2 and value.isdigit() and value[0] != "0":
                    prev = tokens[-1]  # "twenty" + "twenty three" -> 2023
                    tokens[-1] = Token(prev.text + value, prev.first, flat[last_i][1], True)
                    year_start = -1
                else:
                    tokens.append(Token(value, index, flat[last_i][1], True))
                    two_digits = value.isdigit() and 10 <= int(value) <= 29 and used == 1
                    year_start = len(tokens) - 1 if two_digits and not flat[last_i][2] else -1
                i = last_i + 1
                continue
        tokens.append(Token(piece, index, index))
        year_start = -1
        i += 1
