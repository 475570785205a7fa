package io.gregor.worker;

import java.util.Locale;

/** Returns its String input upper-cased; registered under its simple name. */
final class Echo implements Activity {

  @Override
  public Object run(ActivityContext ctx) {
    return ctx.getInput(String.class).toUpperCase(Locale.ROOT);
  }
}
