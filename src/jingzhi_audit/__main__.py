"""``python -m jingzhi_audit`` runs the ``audit`` command."""

from .launch import main

if __name__ == "__main__":
    main()
