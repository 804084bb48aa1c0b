# `sam build` (template.yaml's BuildMethod: makefile) runs `make build-<FunctionLogicalId>` with
# ARTIFACTS_DIR set. It compiles the main code only (no test compilation, no tests, no CLI jar)
# and lays out what Lambda's Java runtime loads: classes and resources at the root, runtime
# dependencies in lib/. Left out: picocli, the SDK's cloudformation client (videohook env) and
# dev/videohook/cli, which only the command line uses.
# All functions run the same code, but SAM CLI runs this target once per function (four Maven
# builds, each into its own ARTIFACTS_DIR): the price of BuildMethod: makefile (README, Deploy).
# Needs a JDK 17+ and Maven on the machine that runs sam build.

MVN ?= mvn
LAMBDA_LIB := target/lambda-lib

.PHONY: build-WebhookFunction build-DownloadFunction build-ReconcileFunction build-NotifyFunction lambda-artifact

build-WebhookFunction build-DownloadFunction build-ReconcileFunction build-NotifyFunction: lambda-artifact

lambda-artifact:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2; }
	rm -rf $(LAMBDA_LIB)
	$(MVN) -q -B -Dmaven.test.skip=true compile dependency:copy-dependencies \
	    -DincludeScope=runtime -DexcludeArtifactIds=picocli,cloudformation -DoutputDirectory=$(LAMBDA_LIB)
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp -R target/classes/. "$(ARTIFACTS_DIR)/"
	rm -rf "$(ARTIFACTS_DIR)/dev/videohook/cli"
	cp $(LAMBDA_LIB)/*.jar "$(ARTIFACTS_DIR)/lib/"
