"""What the Python tests and the benchmarks share: every helper used by more than one folder
of tests/, or by bench/, lives in this package. (A folder's own helper may sit beside its
scripts, imported as Python imports a script's neighbour: tests/ops/release/booted_root.py.)

  harness      the real binaries on loopback: whm-sim, the exporter, metrics parsing,
               deadlines that stretch with the build and the load, a self-signed certificate
  e2e          Prometheus, Alertmanager, a webhook receiver, the demo world, free ports
  cdp          headless Chromium over the DevTools protocol
  hostile_whm  a WHM server that misbehaves on purpose
  session_log  master logs line by line (the `progress` tests)
  terminal     a tmux pane and a pseudo-terminal (the `progress` tests)
  ops          running tools and collecting failures (the ops checks)
  dashboard_queries  the PromQL of the Grafana dashboard (also a command: python3 -m ...)
  release      where the release is, for the release checks

How it is found, the one way: `tests/` is on PYTHONPATH. ctest sets it for every Python
test (the ENVIRONMENT of each test in tests/*/CMakeLists.txt), bench/run exports it, and by
hand:

  PYTHONPATH=tests python3 -m unittest discover -s tests/integration -p 'daemon_counts_test.py'
  cd tests/integration && PYTHONPATH=.. python3 -m unittest e2e_prometheus_test.PrometheusEndToEndTest.test_7_prometheus_negotiated_openmetrics_and_gzip

The harness runs the binaries of $WTE_BINARY_DIR (ctest sets it), else of the repository's
build/."""
