"""Progress charts per scenario (pyqtgraph): score, key-phrase coverage, fillers a minute, pace (with the
comfortable band), time to start answering an objection — run by run — and mastery per objection."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from rehearse.core.answer_for import objection_name
from rehearse.report.charts import METRICS
from rehearse.ui.feedback_panel import label
from rehearse.ui.style import HIT, MISS
from rehearse.ui.widgets import compact


TWO_COLUMNS_FROM = 900  # px: narrower than this, the charts stand in one column
MASTERY_LABEL_PX = 180  # the widest an objection's name is drawn beside its bar; longer names are elided


def mastery_title(entry: dict) -> str:
    """An objection's name on the mastery chart, in plain words."""
    return entry.get("title") or objection_name(entry["objection"]).capitalize()


def _score(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def _pg():
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)
    return pg


class ChartsView(QWidget):
    back = Signal()
    loaded = Signal(object)  # dict; not Signal(dict): PySide6 6.12 loses a reference to True per emission

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.series: dict | None = None
        self.plots: dict[str, object] = {}
        self.curves: dict[str, object] = {}
        pg = _pg()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 16, 28, 16)
        top = QHBoxLayout()
        back = QPushButton("← &History")
        back.clicked.connect(self.back)
        top.addWidget(back)
        top.addWidget(label("Progress", "Heading", wrap=False), 1)
        self.scenario_box = QComboBox()
        self.scenario_box.setAccessibleName("Scenario")
        compact(self.scenario_box, 22)
        self.scenario_box.activated.connect(lambda _i: self.load(self.scenario_box.currentData()))
        top.addWidget(self.scenario_box)
        outer.addLayout(top)
        self.note = label("", "Muted")
        outer.addWidget(self.note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setSpacing(14)
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        for n, (key, title, unit) in enumerate(METRICS + (("mastery", "Mastery per objection", "latest score"),)):
            plot = pg.PlotWidget(background=base)
            plot.setMinimumHeight(185)
            plot.setTitle(f"{title} <span style='font-size:9pt'>({unit})</span>", color=text.name())
            plot.showGrid(x=False, y=True, alpha=0.25)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(text)
                plot.getAxis(axis).setPen(QColor(text.red(), text.green(), text.blue(), 120))
            if key == "mastery":  # one horizontal bar an objection, its name on the left: room for the names
                plot.showGrid(x=True, y=False, alpha=0.25)
                plot.setLabel("bottom", "latest score")
            else:
                plot.setLabel("bottom", "run")
                self.curves[key] = plot.plot([], [], pen=pg.mkPen(HIT, width=2), symbol="o", symbolSize=8,
                                             symbolBrush=HIT, symbolPen=None)
            self.plots[key] = plot
        self.band = None
        self.grid = grid
        self.columns = 0
        self._arrange(2)
        self.bars = None
        self.mastery_labels: list[str] = []  # the names drawn on the mastery chart (elided when long)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    def _arrange(self, columns: int) -> None:
        """The charts in ``columns`` columns (one when the window is narrow, so that none is cut off)."""
        if columns == self.columns:
            return
        self.columns = columns
        for n, plot in enumerate(self.plots.values()):
            self.grid.removeWidget(plot)
            self.grid.addWidget(plot, n // columns, n % columns)
        for column in range(2):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange(1 if event.size().width() < TWO_COLUMNS_FROM else 2)

    def load(self, scenario_path: str) -> None:
        ctx = self.ctx

        def work():
            from rehearse.report.charts import chart_series, scenarios

            store = ctx.store()
            return scenarios(store), chart_series(store, scenario_path or None), scenario_path

        ctx.host.call(work, self._loaded, lambda err: self.note.setText(str(err)))

    def _loaded(self, result) -> None:
        known, series, path = result
        self.scenario_box.clear()
        for scenario_path, title in known:
            self.scenario_box.addItem(title or "(untitled)", scenario_path)
        self.scenario_box.setCurrentIndex(max(0, self.scenario_box.findData(path)))
        self.show_series(series)
        self.loaded.emit(series)

    def show_series(self, series: dict) -> None:
        pg = _pg()
        self.series = series
        runs = series["runs"]
        self.note.setText(f"{len(runs)} run{'s' if len(runs) != 1 else ''} with answers. Each point is one run's "
                          "average; the band on Pace is the comfortable 120–160 words a minute."
                          if runs else "No answers stored for this scenario yet.")
        for key, _title, _unit in METRICS:
            points = [(i + 1, v) for i, v in enumerate(series[key]) if v is not None]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            self.curves[key].setData(xs, ys)
            axis = self.plots[key].getAxis("bottom")
            axis.setTicks([[(i + 1, str(run_id)) for i, run_id in enumerate(runs)]])
            self.plots[key].setXRange(0.5, max(1, len(runs)) + 0.5, padding=0)
            # from zero (a score of 50 is not drawn at the bottom of the chart), up to the data or a fixed top
            top = {"score": 100, "coverage": 100}.get(key)
            if key == "pace":
                top = max([series["pace_band"][1] + 20] + [y + 10 for y in ys])
            elif top is None:
                top = max([1.0] + [y * 1.15 for y in ys])
            self.plots[key].setYRange(0, top, padding=0.02)
        if self.band is None:
            low, high = series["pace_band"]
            self.band = pg.LinearRegionItem((low, high), orientation="horizontal", movable=False,
                                            brush=QColor(HIT.red(), HIT.green(), HIT.blue(), 40),
                                            pen=pg.mkPen(None))
            self.plots["pace"].addItem(self.band)
        self._show_mastery(series["mastery"])

    def _show_mastery(self, mastery: list[dict]) -> None:
        """One horizontal bar an objection (the first at the top), its name on the axis — elided past
        MASTERY_LABEL_PX, in full in the tooltip — and the chart tall enough for every name."""
        pg = _pg()
        plot = self.plots["mastery"]
        if self.bars is not None:
            plot.removeItem(self.bars)
        scores = [m["latest"] or 0 for m in mastery]
        brushes = [HIT if score >= 65 else MISS for score in scores]
        self.bars = pg.BarGraphItem(x0=0, y=list(range(len(mastery))), width=scores, height=0.6, brushes=brushes)
        plot.addItem(self.bars)
        plot.invertY(True)
        plot.setXRange(0, 100, padding=0.02)
        plot.setYRange(-0.6, max(1, len(mastery)) - 0.4, padding=0)
        names = [mastery_title(m) for m in mastery]
        axis = plot.getAxis("left")
        font = QFont(self.font())
        axis.setStyle(tickFont=font)  # the names are drawn in the font they are measured with
        metrics = QFontMetrics(font)
        room = min(MASTERY_LABEL_PX, max([metrics.horizontalAdvance(n) + 2 for n in names] + [40]))
        # only a name longer than MASTERY_LABEL_PX is elided (whole pixels: the longest name must not lose its end)
        self.mastery_labels = [n if metrics.horizontalAdvance(n) <= MASTERY_LABEL_PX
                               else metrics.elidedText(n, Qt.TextElideMode.ElideRight, room) for n in names]
        axis.setTicks([list(enumerate(self.mastery_labels))])
        axis.setWidth(room + 14)
        plot.setMinimumHeight(max(185, 70 + (metrics.height() + 10) * len(mastery)))
        plot.setToolTip("\n".join(f"{name}: latest {_score(m['latest'])}, best {_score(m['best'])}, "
                                   f"{m['attempts']} attempt{'s' if m['attempts'] != 1 else ''}"
                                   for name, m in zip(names, mastery)))

    def curve_data(self, key: str) -> tuple[list, list]:
        """What a chart draws now (for tests)."""
        xs, ys = self.curves[key].getData()
        return ([] if xs is None else list(xs)), ([] if ys is None else list(ys))
