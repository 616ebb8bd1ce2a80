from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark as a model-less app, so ``manage.py seed_scale`` is found (bench/management)."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmark"
