"""python -m tidy serve | migrate"""

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "serve"
    if command == "migrate":
        from tidy import store

        path = Path(os.environ.get("DATABASE_PATH", "/data/tidy.db"))
        store.migrate(path)
        print(f"tidy: {path} migrated")
        return 0
    if command == "serve":
        import uvicorn

        uvicorn.run("tidy.app:app", host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "8080")))
        return 0
    print("usage: python -m tidy serve | migrate", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
