"""What a reader gets: the LaTeX document of every claim (:mod:`derivations.document.latex`) and
the figure sets drawn for it (:mod:`derivations.document.figures`)."""
