"""The Vosk model manager: which English models exist, which are installed, install/remove them safely.

Models live in ``rehearse.paths.models_dir()``, one folder per model, named like the model. A folder counts as
installed only when it holds a complete Vosk layout *and* the completion marker, which is written before the
folder is moved into place, so an interrupted install never looks installed. ``VOSK_MODEL_PATH`` overrides the
choice of model.

Public API: :func:`find_vosk_model`, :func:`list_models`, :func:`install`, :func:`install_from_zip`,
:func:`remove`, :func:`check_model_dir`; progress callbacks are ``progress(done_bytes, total_bytes)`` (return
``False`` to cancel) and ``cancel`` is anything with ``is_set()`` (a ``threading.Event``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rehearse.errors import UserError
from rehearse.paths import cache_dir, models_dir
from rehearse.fileio import why
from rehearse.speech.download import (
    DownloadFailed,
    NoNetwork,
    Progress,
    check_file,
    clean_stale_temp,
    download,
    install_lock,
    fetch_json,
    remove_tree,
    safe_extract,
    unpacked_size,
)

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
DEFAULT_BASE_URL = "https://alphacephei.com/vosk/models"
CATALOG_FILE = "model-list.json"
MARKER = ".rehearse-complete"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")


@dataclass(frozen=True)
class KnownModel:
    name: str
    lang: str
    size: int | None  # bytes of the published zip
    sha256: str | None  # of the published zip
    description: str
    md5: str | None = None


# Sizes and SHA-256 digests of the published archives.
KNOWN_MODELS = {
    m.name: m
    for m in (
        KnownModel(
            DEFAULT_MODEL, "en-us", 41_205_931,
            "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
            "small US English (40 MB download): the default; fast, light on memory",
        ),
        KnownModel(
            "vosk-model-en-us-0.22-lgraph", "en-us", 130_557_655,
            "d9838b4aaa82a75c4a17f5aca300eaca129aaab2a7cbf951bafbb500eb9c4334",
            "US English, larger graph (128 MB download): more accurate, needs about 0.5 GB of memory",
        ),
        KnownModel(
            "vosk-model-en-us-0.22", "en-us", None, None,
            "US English, full (1.8 GB download): the most accurate; needs several GB of memory",
        ),
    )
}


@dataclass
class ModelInfo:
    name: str
    lang: str | None
    status: str  # "installed" | "not installed" | "broken" | "partly downloaded"
    path: str | None
    default: bool = False
    size: int | None = None
    description: str = ""
    problem: str | None = None
    downloaded_bytes: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_base_url(override: str | None = None) -> str:
    base = (override or os.environ.get("REHEARSE_MODEL_URL") or DEFAULT_BASE_URL).rstrip("/")
    if not base.lower().startswith(("https://", "http://", "file://")):
        where = "--url" if override else "REHEARSE_MODEL_URL"
        raise UserError(f"{where} {base!r}: not a web address; give one starting with https:// "
                        "(or http://, file://)")
    return base


def check_name(name: str) -> str:
    if not NAME_RE.match(name or "") or name.endswith(".part"):
        raise UserError(f"{name!r} is not a model name (use a name like {DEFAULT_MODEL})")
    return name


def guess_lang(name: str) -> str | None:
    match = re.match(r"^vosk-model-(?:small-)?([a-z]{2,3}(?:-[a-z]{2})?)(?:-|$)", name)
    return match.group(1) if match else None


def _is_english(lang: str | None) -> bool:
    return lang is None or lang == "en" or lang.startswith("en-")


def layout_problems(path: Path) -> list[str]:
    """What a folder lacks to be a Vosk model (am/final.mdl, conf/mfcc.conf, a graph)."""
    missing = []
    for rel in ("am/final.mdl", "conf/mfcc.conf"):
        file = path / rel
        if not file.is_file():
            missing.append(f"missing {rel}")
        elif file.stat().st_size == 0:
            missing.append(f"{rel} is empty")
    graph = path / "graph"
    if not graph.is_dir():
        missing.append("missing graph/")
    elif not ((graph / "HCLG.fst").is_file() or ((graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file())):
        missing.append("graph/ has neither HCLG.fst nor HCLr.fst with Gr.fst")
    return missing


def _inside_models_dir(path: Path) -> bool:
    try:
        return path.resolve().parent == models_dir().resolve()
    except OSError:
        return False


def check_model_dir(path, need_marker: bool | None = None) -> Path:
    """Return ``path`` if it is a usable Vosk model, else raise UserError saying what is wrong.

    Models in the models folder must also carry the completion marker (``need_marker`` overrides that rule).
    """
    path = Path(path).expanduser()
    managed = _inside_models_dir(path)
    hint = f" Reinstall it: rehearse models remove {path.name} && rehearse models install {path.name}" if managed else ""
    if not path.exists():
        raise UserError(f"{path}: no such folder")
    if not path.is_dir():
        raise UserError(f"{path}: not a folder (a Vosk model is a folder with am/, conf/ and graph/)")
    problems = layout_problems(path)
    if problems:
        raise UserError(f"{path}: not a complete Vosk model: {', '.join(problems)}.{hint}")
    if (managed if need_marker is None else need_marker) and not (path / MARKER).is_file():
        raise UserError(f"{path}: the install did not finish (no completion marker).{hint}")
    return path


def _marker(path: Path) -> dict:
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _lang_of(path: Path) -> str | None:
    known = KNOWN_MODELS.get(path.name)
    return _marker(path).get("lang") or (known.lang if known else guess_lang(path.name))


def _installed_dirs() -> list[Path]:
    """Model folders in the models dir: known models in catalogue order first, then the rest by name."""
    root = models_dir()
    found = {p.name: p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    order = [n for n in KNOWN_MODELS if n in found] + sorted(n for n in found if n not in KNOWN_MODELS)
    return [found[n] for n in order]


def find_vosk_model() -> Path | None:
    """The English Vosk model to use: ``VOSK_MODEL_PATH`` first, then a complete installed one (default first)."""
    env = os.environ.get("VOSK_MODEL_PATH")
    if env:
        try:
            return check_model_dir(Path(env), need_marker=False)
        except UserError as err:
            raise UserError(f"VOSK_MODEL_PATH: {err}") from None
    for path in _installed_dirs():
        if not _is_english(_lang_of(path)):
            continue
        try:
            return check_model_dir(path)
        except UserError:
            continue
    return None


def _part_path(name: str) -> Path:
    return models_dir() / f"{name}.zip.part"


def list_models() -> list[ModelInfo]:
    """Known models (installed or not) and every other model folder, with status and any problem."""
    infos = []
    clean_stale_temp(models_dir())  # what an install killed mid-way left behind
    dirs = {p.name: p for p in _installed_dirs()}
    for name in list(KNOWN_MODELS) + [n for n in dirs if n not in KNOWN_MODELS]:
        known = KNOWN_MODELS.get(name)
        info = ModelInfo(
            name=name,
            lang=_lang_of(dirs[name]) if name in dirs else known.lang,
            status="not installed",
            path=None,
            default=name == DEFAULT_MODEL,
            size=known.size if known else None,
            description=known.description if known else "installed from a zip",
        )
        if name in dirs:
            info.path = str(dirs[name])
            try:
                check_model_dir(dirs[name])
                info.status = "installed"
            except UserError as err:
                info.status, info.problem = "broken", str(err)
        elif _part_path(name).exists():
            info.status = "partly downloaded"
            info.downloaded_bytes = _part_path(name).stat().st_size
        infos.append(info)
    return infos


def _resolve(name: str, base: str) -> dict:
    """Size, digests and language for ``name``: the built-in entry, corrected by the online catalogue if any.

    Raises NoNetwork when the server cannot be reached at all.
    """
    known = KNOWN_MODELS.get(name)
    spec = {"lang": known.lang, "size": known.size, "sha256": known.sha256, "md5": known.md5} if known else None
    try:
        catalog = fetch_json(f"{base}/{CATALOG_FILE}")
    except DownloadFailed:
        catalog = []
    entry = next((e for e in catalog if isinstance(e, dict) and e.get("name") == name), None) if isinstance(
        catalog, list) else None
    if entry and (known is None or known.sha256 is None):
        # Only a model without a pinned digest takes its size and checksum from the catalogue: a catalogue (or
        # whoever serves it) can never switch off the check of a model whose published digest is built in.
        size = int(entry["size"]) if str(entry.get("size", "")).isdigit() else None
        md5 = entry.get("md5") if isinstance(entry.get("md5"), str) else None
        spec = {
            "lang": entry.get("lang") or (spec or {}).get("lang"),
            "size": size if size is not None else (spec or {}).get("size"),
            "sha256": None,
            "md5": md5 if md5 and re.fullmatch(r"[0-9a-fA-F]{32}", md5) else None,
        }
    if spec is None:
        raise UserError(
            f"unknown model {name!r}. Known: {', '.join(KNOWN_MODELS)}. "
            "Any English model from the Vosk catalogue works when online; or use --from ZIP."
        )
    if not _is_english(spec["lang"]):
        raise UserError(f"{name} is a {spec['lang']} model; Rehearse needs an English (en-*) model")
    if not spec.get("sha256") and not spec.get("md5"):
        raise UserError(f"{name}: no checksum is known for this model (the catalogue at {base} gives none), so a "
                        "download could not be verified; download it yourself and use `rehearse models install "
                        "--from ZIP`")
    return spec


def install(name: str | None = None, progress: Progress | None = None, cancel=None, base_url: str | None = None,
            *, force: bool = False) -> Path:
    """Download, verify and install a model by its official name (default: the small US English model).

    An already complete install is returned as is unless ``force``. A broken partial download is kept as
    ``NAME.zip.part`` so that the next call resumes it.
    """
    name = check_name(name or DEFAULT_MODEL)
    target = models_dir() / name
    if not force:
        try:
            return check_model_dir(target)
        except UserError:
            pass
    base = resolve_base_url(base_url)
    with install_lock(name):
        return _download_and_install(name, base, progress, cancel)


def _download_and_install(name: str, base: str, progress: Progress | None, cancel) -> Path:
    url = f"{base}/{name}.zip"
    offline_hint = (
        f" Without a network: download {DEFAULT_BASE_URL}/{name}.zip on another computer, copy it here and run "
        f"`rehearse models install --from {name}.zip`."
    )
    part = _part_path(name)
    try:
        spec = _resolve(name, base)
        download(url, part, expected_size=spec["size"], progress=progress, cancel=cancel)
    except NoNetwork as err:
        raise NoNetwork(f"{err}{offline_hint}") from None
    try:
        check_file(part, size=spec["size"], sha256=spec["sha256"], md5=spec["md5"])
    except DownloadFailed:
        part.unlink(missing_ok=True)  # a wrong file cannot be resumed into a right one
        raise
    path = _install_archive(part, name=name, lang=spec["lang"], source=url, progress=progress, cancel=cancel)
    part.unlink(missing_ok=True)
    return path


def install_from_zip(path, progress: Progress | None = None, cancel=None) -> Path:
    """Install a model from a zip the user downloaded (one folder named like the model, or the layout at top)."""
    path = Path(path).expanduser()
    return _install_archive(path, name=None, lang=None, source=str(path.resolve()), progress=progress, cancel=cancel)


def _locate(tmp: Path, name: str | None, zip_path: Path) -> tuple[Path, str]:
    """Find the model folder inside an extracted archive and the name to install it under."""
    if (tmp / "am").is_dir():
        return tmp, name or zip_path.name.removesuffix(".part").removesuffix(".zip")
    entries = [p for p in tmp.iterdir() if p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0], name or entries[0].name
    raise UserError(
        f"{zip_path}: not a Vosk model: expected one folder with am/, conf/ and graph/ inside, found "
        f"{', '.join(sorted(p.name for p in entries)) or 'nothing'}"
    )


def _install_archive(zip_path: Path, *, name: str | None, lang: str | None, source: str,
                     progress: Progress | None, cancel) -> Path:
    root = models_dir()
    clean_stale_temp(root)
    need = unpacked_size(zip_path)
    try:
        free = shutil.disk_usage(root).free
    except OSError:
        free = None
    if free is not None and need + 16 * 1024 * 1024 > free:
        raise UserError(f"{zip_path}: not enough free space to install it: it unpacks to {need / 1e6:,.0f} MB "
                        f"and {root} has {free / 1e6:,.0f} MB free; nothing was installed")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".install-{os.getpid()}-", dir=root))
    except OSError as err:
        raise UserError(f"{root}: cannot install a model here: {why(err)}") from None
    try:
        (tmp / "x").mkdir()
        safe_extract(zip_path, tmp / "x", progress=progress, cancel=cancel)
        model_root, name = _locate(tmp / "x", name, zip_path)
        check_name(name)
        problems = layout_problems(model_root)
        if problems:
            raise UserError(f"{zip_path}: not a Vosk model: {', '.join(problems)}")
        lang = lang or guess_lang(name)
        if not _is_english(lang):
            raise UserError(f"{zip_path}: {name} is a {lang} model; Rehearse needs an English (en-*) model")
        marker = {"name": name, "lang": lang, "source": source, "installed": time.strftime("%Y-%m-%dT%H:%M:%S")}
        target = root / name
        try:
            (model_root / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
            if target.exists() or target.is_symlink():
                target.rename(tmp / "old")  # moved aside, removed with tmp below
            model_root.rename(target)
        except OSError as err:
            raise UserError(f"{target}: cannot install the model: {why(err)}; nothing was installed") from None
        return target
    finally:
        try:
            remove_tree(tmp)
        except OSError:
            pass  # removed by the next install (clean_stale_temp)


def remove(name: str) -> list[Path]:
    """Remove an installed (or partly downloaded) model. Returns what was removed."""
    check_name(name)
    removed = []
    for path in (models_dir() / name, _part_path(name)):
        if path.exists() or path.is_symlink():
            remove_tree(path)
            removed.append(path)
    if not removed:
        installed = [p.name for p in _installed_dirs()]
        raise UserError(f"no model named {name!r} is installed" + (f"; installed: {', '.join(installed)}" if
                                                                     installed else ""))
    return removed
