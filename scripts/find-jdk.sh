# Sourced by the build and launch scripts: sets JAVA_HOME to a JDK 25+ and puts it first on PATH.
# Order: $JAVA_HOME if it is 25+, else `java` on the PATH if 25+, else a JDK 25+ under /usr/lib/jvm.
java_major() { # prints the feature version of the given java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}
find_jdk25() {
  local cand v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(java_major "$JAVA_HOME/bin/java"); [ -n "$v" ] && [ "$v" -ge 25 ] && { echo "$JAVA_HOME"; return 0; }
  fi
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(java_major "$cand/bin/java"); [ -n "$v" ] && [ "$v" -ge 25 ] && { echo "$cand"; return 0; }
  fi
  for cand in /usr/lib/jvm/*; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(java_major "$cand/bin/java"); [ -n "$v" ] && [ "$v" -ge 25 ] && { echo "$cand"; return 0; }
  done
  return 1
}
if ! JAVA_HOME=$(find_jdk25); then
  echo "error: no JDK 25 or newer found." >&2
  echo "  looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), javac on the PATH, /usr/lib/jvm/*" >&2
  echo "  install one (e.g. Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
