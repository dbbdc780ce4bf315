"""Build hook: the record's files go into the wheel as csto/_data, the third-party seed documents do not."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        data = Path(self.root) / "data"
        for path in sorted(data.rglob("*")):
            if path.is_file() and "seeds" not in path.relative_to(data).parts[:1]:
                build_data["force_include"][str(path)] = f"csto/_data/{path.relative_to(data).as_posix()}"
