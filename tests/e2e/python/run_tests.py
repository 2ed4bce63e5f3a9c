"""Runs the Python e2e tests; appends "pass|fail|skip <test>" per test to the file named by argv[1]
(so a killed run still counts what finished) and prints unittest's usual report."""
import logging
import os
import sys
import unittest


class CountingResult(unittest.TextTestResult):
    counts_file = None

    def _record(self, outcome, test):
        with open(self.counts_file, 'a') as f:
            f.write('%s %s\n' % (outcome, test.id()))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record('pass', test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record('fail', test)

    def addError(self, test, err):
        super().addError(test, err)
        self._record('fail', test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record('skip', test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record('fail', test)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record('pass', test)


def main():
    # python-engineio 4.3's AsyncClient leaves aiohttp sessions for the garbage collector, which
    # makes asyncio log "Unclosed client session" noise: not a test outcome, keep it out.
    logging.getLogger('asyncio').setLevel(logging.CRITICAL)
    CountingResult.counts_file = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    pattern = sys.argv[2] if len(sys.argv) > 2 else 'test_*.py'
    suite = unittest.defaultTestLoader.discover(here, pattern=pattern)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult, stream=sys.stdout)
    result = runner.run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == '__main__':
    main()
