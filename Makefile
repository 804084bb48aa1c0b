# `sam build` (template.yaml's BuildMethod: makefile) runs `make build-<FunctionLogicalId>` with
# ARTIFACTS_DIR set. It compiles the main code only (no test compilation, no tests, no CLI jar)
# and lays out what Lambda's Java runtime loads: classes and resources at the root, the function's
# own runtime dependencies in lib/. Each function gets only the jars its code loads: pom.xml's
# maven-dependency-plugin has one copy-dependencies execution per function, named for its logical
# id, that leaves the others' SDK clients and libraries out (the webhook function ships neither
# S3, EventBridge nor OkHttp). Left out of all four: picocli, the SDK's cloudformation client (videohook env)
# and dev/videohook/cli, which only the command line uses. SAM CLI runs this target once per function (four Maven builds, each into its
# own ARTIFACTS_DIR): the price of BuildMethod: makefile (README, Deploy). LambdaArtifactTest
# builds each one and runs its handler on that artifact alone.
# Needs a JDK 17+ and Maven on the machine that runs sam build.

MVN ?= mvn
TARGETS := build-WebhookFunction build-DownloadFunction build-ReconcileFunction build-NotifyFunction

.PHONY: $(TARGETS)

# one recipe, $* the function's logical id
build-WebhookFunction build-DownloadFunction build-ReconcileFunction build-NotifyFunction: build-%:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2; }
	rm -rf target/lambda-lib/$*
	$(MVN) -q -B -Dmaven.test.skip=true compile dependency:copy-dependencies@$*
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp -R target/classes/. "$(ARTIFACTS_DIR)/"
	rm -rf "$(ARTIFACTS_DIR)/dev/videohook/cli"
	cp target/lambda-lib/$*/*.jar "$(ARTIFACTS_DIR)/lib/"
