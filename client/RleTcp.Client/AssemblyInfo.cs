// The client library (issue 4) lives in this project.
