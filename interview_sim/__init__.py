"""interview-sim: an offline terminal mock-interview coach for AI/ML job interviews."""

__version__ = "0.1.0"
