"""What every app shares and that belongs to no domain: the error a service raises when the
data does not allow a request, and the view decorators. It imports no app of the project."""
