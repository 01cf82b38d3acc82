# Roster: `make demo` tells the story on generated data; `make test` runs every test.
# Both install the Debian packages they need when they are missing.

SWIFT ?= swift
APT_PACKAGES := pkg-config liblmdb-dev libzstd-dev libssl-dev python3 openssh-server openssh-client
DEMO := demo-output
JOURNAL_TOOL = $$($(SWIFT) build -c release --show-bin-path)/roster-journal

.PHONY: all deps build test demo bench clean scim-venv

all: build

deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# The SCIM tests start a real scim2-server from this Python virtual environment.
scim-venv:
	Tests/Support/SCIMTestSupport/setup-venv.sh

# One test at a time: many tests start real servers and child processes and wait for them, and on
# a two-core machine two such tests in parallel hold both threads of Swift's concurrency pool and
# stall every other test past its deadlines.
test: deps scim-venv
	$(SWIFT) build --build-tests
	$(SWIFT) test --no-parallel

ROSTER = $$($(SWIFT) build -c release --show-bin-path)/roster
GENERATE = $$($(SWIFT) build -c release --show-bin-path)/roster-generate

demo: deps
	$(SWIFT) build -c release
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== 1. Write a journal of 50,000 synthetic HR events (80% field changes, 20% full records; random payloads for the journal's own tests, not a consistent company)"
	@$(JOURNAL_TOOL) bench --events 50000 --batch-size 5000 --population 5000 --journal $(DEMO)/journal
	@echo
	@echo "== 2. Verify it: hash chain, gap-free sequence, every index"
	@$(JOURNAL_TOOL) verify --journal $(DEMO)/journal
	@echo
	@echo "== 3. What it holds"
	@$(JOURNAL_TOOL) stats --journal $(DEMO)/journal
	@echo
	@echo "== 4. The first three events, decoded (NDJSON)"
	@$(JOURNAL_TOOL) dump --journal $(DEMO)/journal --to 3
	@echo
	@subject=$$($(JOURNAL_TOOL) dump --journal $(DEMO)/journal --from 2 --to 2 | sed 's/.*"subject":"\([^"]*\)".*/\1/'); \
	echo "== 5. Everything about worker $$subject, in order, from the per-subject index"; \
	$(JOURNAL_TOOL) dump --journal $(DEMO)/journal --subject $$subject
	@echo
	@echo "== 6. A hot backup, verified"
	@$(JOURNAL_TOOL) backup --journal $(DEMO)/journal --to $(DEMO)/backup
	@echo
	@echo "== 7. One flipped bit in event 31337 of a copy, and verify names the damaged event"
	@mkdir -p $(DEMO)/damaged && cp $(DEMO)/backup/data.mdb $(DEMO)/damaged/
	@$(JOURNAL_TOOL) locate --journal $(DEMO)/damaged --position 31337
	@offset=$$($(JOURNAL_TOOL) locate --journal $(DEMO)/damaged --position 31337 | sed 's/.*offset \([0-9]*\), length \([0-9]*\).*/\1 \2/'); \
		set -- $$offset; target=$$(( $$1 + $$2 / 2 )); \
		echo "flipping bit 4 of byte $$target"; \
		printf "$$(printf '\\%03o' $$(( $$(od -An -tu1 -j$$target -N1 $(DEMO)/damaged/data.mdb) ^ 16 )))" | \
			dd of=$(DEMO)/damaged/data.mdb bs=1 seek=$$target conv=notrunc status=none
	@$(JOURNAL_TOOL) verify --journal $(DEMO)/damaged || echo "(verify exited $$?: the damage was found)"
	@echo
	@echo "== 8. HR feeds: a generated company of 500 workers and two days of its nightly exports"
	@$(GENERATE) --workers 500 --days 2 --preset bamboohr --out $(DEMO)/feeds
	@echo
	@echo "== 9. Ingest the first night, then the next two: only what changed is journaled"
	@cd $(DEMO)/feeds && $(ROSTER) ingest --feed bamboohr-snapshot day-000.csv day-001.csv day-002.csv
	@echo
	@echo "== 10. The same file again changes nothing"
	@cd $(DEMO)/feeds && $(ROSTER) ingest --feed bamboohr-snapshot day-002.csv
	@echo
	@echo "== 11. A truncated export (the first 50 rows) is held, and a header-only one is rejected"
	@cd $(DEMO)/feeds && head -n 51 day-002.csv > truncated.csv && head -n 1 day-002.csv > header-only.csv && \
		{ $(ROSTER) ingest --feed bamboohr-snapshot truncated.csv header-only.csv || echo "(ingest exited $$?: held and rejected)"; }
	@echo
	@echo "== 12. The batches, and what the feeds say about the first workers"
	@cd $(DEMO)/feeds && $(ROSTER) batches
	@cd $(DEMO)/feeds && $(ROSTER) workers | head -n 3
	@echo
	@echo "== 13. The journal now holds the HR events too, and verifies"
	@$(JOURNAL_TOOL) verify --journal $(DEMO)/feeds/data/journal
	@$(JOURNAL_TOOL) dump --journal $(DEMO)/feeds/data/journal --type worker.terminated.v1 | head -n 2
	@echo
	@echo "== 14. Rules (docs/examples/demo-rules.yml): what the LMS should hold; unmapped departments are reported"
	@cp docs/examples/demo-rules.yml $(DEMO)/feeds/rules.yml && echo "rules: rules.yml" >> $(DEMO)/feeds/roster.yml
	@cd $(DEMO)/feeds && $(ROSTER) state | grep -E "^rules in force|^[0-9]+ users|^unmapped"
	@echo
	@echo "== 15. A worker promoted to manager: their user, their history, and why they have the leadership course"
	@cd $(DEMO)/feeds && id=$$($(ROSTER) state | grep -B2 "Leadership_101" | grep -m1 -o "^E[0-9]*"); \
		if [ -n "$$id" ]; then $(ROSTER) state --id $$id && $(ROSTER) history $$id && $(ROSTER) why $$id Leadership_101; \
		else echo "(no promotion to manager in these two days)"; fi
	@echo
	@echo "== 16. A hire in Sydney five weeks from today: tick one second before Sydney's midnight starting that day, then at it"
	@echo "       (a rehearsal: --allow-future journals what fires for good, so try it on a copy of real data)"
	@cd $(DEMO)/feeds && first=$$(date -u -d '+35 days' +%Y-%m-%d) && \
		start=$$(date -u -d "TZ=\"Australia/Sydney\" $$first 00:00" +%s) && \
		{ head -n 1 day-002.csv; \
		echo "E900001,Mia,Chen,,mia.chen@northwind-corp.com,Data Analyst,ENG-100,Engineering,SYD,,CC-1000,Full-Time,Active,$$first,"; } > future-hire.csv && \
		$(ROSTER) ingest --feed bamboohr-changes future-hire.csv && \
		$(ROSTER) tick --allow-future --now $$(date -u -d @$$((start - 1)) +%Y-%m-%dT%H:%M:%SZ) && \
		$(ROSTER) tick --allow-future --now $$(date -u -d @$$start +%Y-%m-%dT%H:%M:%SZ) | grep "^E900001:" && $(ROSTER) state --id E900001
	@echo
	@echo "== 17. A leaver's last day sent ahead while HR still says Active (as Workday and SuccessFactors do):"
	@echo "       with termination_cutoff 17:00 on the changes feed, access ends at 17:00 on that last day in the worker's zone;"
	@echo "       the deactivation is scheduled, shown, and fired by tick once that moment has come"
	@cd $(DEMO)/feeds && tr -d '\r' < day-002.csv > day-002-lf.csv && \
		grep -q termination_cutoff roster.yml || sed -i '/- name: bamboohr-changes/a\    termination_cutoff: "17:00"' roster.yml; \
		row=$$(awk -F, '$$12 == "Full-Time" && $$13 == "Active" && $$15 == "" { print; exit }' day-002-lf.csv) && \
		if [ -z "$$row" ]; then echo "no active full-time worker without a termination date in day-002.csv"; exit 1; fi && \
		id=$${row%%,*} && last=$$(date -u -d '+45 days' +%Y-%m-%d) && after=$$(date -u -d "$$last +1 day" +%Y-%m-%d) && \
		{ head -n 1 day-002-lf.csv; echo "$${row}$$last"; } > last-day.csv && \
		echo "$$id's last day: $$last" && \
		$(ROSTER) ingest --feed bamboohr-changes last-day.csv && $(ROSTER) state --id $$id && \
		$(ROSTER) tick --allow-future --now $${after}T12:00:00Z | grep "^$$id:" && $(ROSTER) state --id $$id
	@echo
	@echo "== 18. A candidate rule set (office groups renamed "Site ..."), replayed over the whole journal, then adopted"
	@cd $(DEMO)/feeds && sed 's/prefix: "Office "/prefix: "Site "/' rules.yml > candidate.yml && \
		$(ROSTER) rebuild --rules candidate.yml --plan && $(ROSTER) rebuild --rules candidate.yml --apply | tail -n 1 && \
		cp candidate.yml rules.yml

	@echo
	@echo "== 19. The LMS story (docs/examples/lms-story): day 1, a small company's first export; the LMS is provisioned"
	@echo "       (CSV export for Moodle and Canvas). Mia starts in Sydney in 2030; Noah is a contractor, out of scope."
	@rm -rf $(DEMO)/story && cp -r docs/examples/lms-story $(DEMO)/story
	@cd $(DEMO)/story && $(ROSTER) ingest --feed bamboohr day-1.csv && $(ROSTER) sync
	@cd $(DEMO)/story && $(ROSTER) plan && $(ROSTER) state --id E1007 && $(ROSTER) state --id E1008
	@echo
	@echo "== 20. Day 2: Jim promoted to manager, Sofia moves from London to New York, Priya's name changes, Lucas leaves"
	@cd $(DEMO)/story && $(ROSTER) ingest --feed bamboohr day-2.csv && $(ROSTER) sync
	@date -u +%Y-%m-%dT%H:%M:%S.%6NZ > $(DEMO)/story/end-of-day-2
	@echo
	@echo "== 21. Day 3: a truncated export (2 of 8 rows) is held; the LMS is not touched"
	@cd $(DEMO)/story && { $(ROSTER) ingest --feed bamboohr day-3.csv || echo "(ingest exited $$?: held)"; } && $(ROSTER) sync
	@echo
	@echo "== 22. What the LMS believed at the end of day 2, from its journaled answers"
	@cd $(DEMO)/story && $(ROSTER) state --believed --as-of $$(cat end-of-day-2)
	@echo
	@echo "== 23. Why Jim has the leadership course: HR event, rule, LMS call, LMS answer"
	@cd $(DEMO)/story && $(ROSTER) why E1002 Leadership_101
	@echo
	@echo "== 24. The files the LMS imports, one folder per sync"
	@cd $(DEMO)/story && for run in exports/*; do echo "$$run: manifest.json moodle/$$(ls $$run/moodle | tr '\n' ' ')canvas/$$(ls $$run/canvas | tr '\n' ' ')"; done && \
		first=$$(ls -d exports/* | head -n 1) && last=$$(ls -d exports/* | tail -n 1) && \
		echo "$$first/moodle/users.csv:" && head -n 3 $$first/moodle/users.csv && \
		echo "$$last/canvas/enrollments.csv:" && cat $$last/canvas/enrollments.csv && \
		for run in exports/*; do grep -q '"membership"' $$run/manifest.json && echo "$$run/manifest.json, what Moodle's upload cannot do:" && \
			sed -n '/moodle_removals_to_apply_by_hand/,/]/p' $$run/manifest.json; done; true

bench: deps scim-venv
	$(SWIFT) build -c release --product roster-journal
	$(SWIFT) build -c release --product roster-bench
	$(SWIFT) build -c release --product roster
	$$($(SWIFT) build -c release --show-bin-path)/roster-journal bench --events 1000000 --runs 3 --report docs/benchmarks.md
	$$($(SWIFT) build -c release --show-bin-path)/roster-bench ingest --workers 100000 --runs 5 --report docs/benchmarks.md
	$$($(SWIFT) build -c release --show-bin-path)/roster-bench projections --workers 100000 --events 1000000 --runs 3 --report docs/benchmarks.md
	$$($(SWIFT) build -c release --show-bin-path)/roster-bench provisioning --scim-venv "$${ROSTER_SCIM_VENV:-.venv-scim}" --report docs/benchmarks.md
	$$($(SWIFT) build -c release --show-bin-path)/roster-bench serve --scim-venv "$${ROSTER_SCIM_VENV:-.venv-scim}" --report docs/benchmarks.md
	$$($(SWIFT) build -c release --show-bin-path)/roster-bench intake --workers 100000 --report docs/benchmarks.md

clean:
	rm -rf .build $(DEMO)
