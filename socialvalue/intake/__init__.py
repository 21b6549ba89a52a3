"""Intake: guard and read the workbooks suppliers return (hostile until proven otherwise)."""
