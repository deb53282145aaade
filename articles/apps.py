from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        # Registers the signals that make every user a member of "Everyone", give each a
        # profile, and keep each person's list of signed-in browsers.
        from articles import accounts, sharing  # noqa: F401, PLC0415
