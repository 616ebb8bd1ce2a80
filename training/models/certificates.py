"""Kept for migration 0001, which refers to ``training.models.certificates.new_certificate_code``."""

from training.certificates.models import new_certificate_code

__all__ = ["new_certificate_code"]
