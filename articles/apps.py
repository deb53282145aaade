from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        # Registers the signals that make every user a member of "Everyone".
        from articles import sharing  # noqa: F401, PLC0415
