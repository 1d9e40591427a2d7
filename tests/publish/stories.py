"""Patient stories the publishing tests give a flow folder: one calm, one warning sign."""

STORIES = """\
flow: nostril_twitch
scenarios:
  - name: no signs, no triggers
    expect: self_care
  - name: cannot close the eye
    answers: {eye_closing: "yes"}
    expect: see_doctor_soon
"""
