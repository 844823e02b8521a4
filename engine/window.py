"""The accounting-year window (《工作指引》三): the three years before the application year that are not
before the registration year. The latest year is the one just before the application year."""

from dataclasses import dataclass

from engine.profile import Profile


@dataclass(frozen=True, slots=True)
class Window:
    years: tuple[int, ...]
    latest: int

    @property
    def operating_years(self) -> int:
        return len(self.years)


def window_of(profile: Profile) -> Window:
    application_year = profile.application_date.year
    first_year = profile.company.registered_on.year
    years = tuple(y for y in range(application_year - 3, application_year) if y >= first_year)
    return Window(years=years, latest=application_year - 1)
