"""What users write (inputs), what servers answer (outputs, reported), the one converter, and the
client-side checks (of arguments and of requests).
"""
