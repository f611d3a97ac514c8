"""The production settings, for the ``collectstatic`` of the serving test: the same storage
(hashed names, gzip and Brotli), the fonts left uncompressed. Brotli on the 4 MB of fonts costs
~20 s of CPU a run and the test reads a stylesheet, not a font."""

from whitenoise.compress import Compressor

from qms_rollout.settings import *  # noqa: F403

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")
