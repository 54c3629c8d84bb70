"""``python -m jingzhi_audit`` runs the ``audit`` command."""

from .cli import main

if __name__ == "__main__":
    main()
