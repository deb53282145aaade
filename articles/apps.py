from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        # Registers the signals that make every user a member of "Everyone", give each a
        # profile, keep each person's list of signed-in browsers, and give an imported
        # entry what its import carried once its article arrives.
        from articles import accounts, sharing  # noqa: F401, PLC0415
        from articles.imports import pending  # noqa: F401, PLC0415
