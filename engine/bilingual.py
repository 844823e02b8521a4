"""Text in Chinese first, English alongside."""

from pydantic import BaseModel, ConfigDict


class Bilingual(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str

    def format(self, **values: object) -> dict[str, str]:
        return {"zh": self.zh.format(**values), "en": self.en.format(**values)}

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}
