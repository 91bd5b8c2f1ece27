"""bncourse: the Batch Normalization course's machinery, one folder per notebook.

A folder is named by its notebook's topic (not its number) and holds, in layers that import
only downwards: studies (runs that train models with bnlib) -> views (the computation behind a
slider panel, no widgets) -> plots (draw on matplotlib axes) -> panel (ipywidgets sliders wired
to a view and a plot); checks (the exercise checkers) sit beside plots and use studies and views.
Shared modules: `answers` and `feedback` (reading and judging a learner's answer), `style` (the
plotting style and figure descriptions), `slider_panel` (the panel base), `panels` (every
panel, for tests and the web edition), `exercises` (every checker in one flat namespace).

bncourse uses bnlib; bnlib never imports bncourse.
"""
