"""What is taught: courses, modules and lessons, topics, enrolments, progress and live sessions."""
