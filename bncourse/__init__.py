"""bncourse: the Batch Normalization course's machinery, one folder per notebook.

A folder is named by its notebook's topic (not its number) and holds, in layers that import
only downwards: studies (runs that train models with bnlib) -> views (the computation behind a
slider panel, no widgets) -> plots (draw on matplotlib axes) -> panel (ipywidgets sliders wired
to a view and a plot); checks (the exercise checkers) sit beside plots and use studies and views.
Shared modules: `answers` and `feedback` (reading and judging a learner's answer), `style` (the
plotting style and figure descriptions), `slider_panel` (the panel base), `panels` (every
panel, for tests and the web edition), `exercises` (every checker in one flat namespace).

bncourse uses bnlib; bnlib never imports bncourse.

Importing bncourse sets one BLAS thread for the process, as `bnlib.parallel`'s workers have:
every matrix in the course is small (60 x 100, say), and a product split over threads costs
more than it saves; where the kernel has two cores, `run_each` puts a run on each. Measured on
the 2-core machine, each notebook in a fresh kernel (nbclient), the course 62.6 s with the
default two threads in the kernel against 60.6 s with one (01, 08, 09 and 11 gained most).
"""

from bnlib._blas import set_one_blas_thread

set_one_blas_thread()
