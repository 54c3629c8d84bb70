"""jingzhi-audit: score a community against DB3710/T 177-2022 《精致幸福社区建设规范》."""

__version__ = "0.1.0"
