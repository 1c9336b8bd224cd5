"""The preferences chosen in the app's Settings are the command line's defaults; a flag always wins."""

from __future__ import annotations

from rehearse.cli import build_parser
from rehearse.commands.run import apply_preferences
from rehearse.preferences import DEFAULT_SILENCE_S, Preferences, load_preferences


def run_args(*flags):
    args = build_parser().parse_args(["run", "scenario.toml", *flags])
    apply_preferences(args)
    return args


def test_without_settings_the_built_in_defaults(rehearse_home):
    assert load_preferences() == Preferences()
    args = run_args()
    assert (args.silence, args.engine, args.device, args.voice, args.rate) == (DEFAULT_SILENCE_S, "auto", None, None,
                                                                               None)


def test_settings_saved_by_the_app_are_the_command_lines_defaults(rehearse_home):
    from rehearse.ui.settings import save_preferences

    chosen = Preferences(silence_s=2.25, input_device="USB Mic, left (hw:1,0)", output_device="3",
                         voice="gmw/en-GB-x-rp", rate=150, engine="whisper")
    save_preferences(chosen)  # through QSettings, as the Settings dialog does
    assert load_preferences() == chosen  # read back without Qt
    args = run_args()
    assert (args.silence, args.engine, args.device, args.voice, args.rate, args.output_device) == (
        2.25, "whisper", "USB Mic, left (hw:1,0)", "gmw/en-GB-x-rp", 150, "3")
    flagged = run_args("--silence", "0.8", "--engine", "auto", "--device", "2", "--voice", "en", "--rate", "120")
    assert (flagged.silence, flagged.engine, flagged.device, flagged.voice, flagged.rate) == (0.8, "auto", "2", "en",
                                                                                              120)


def test_a_damaged_settings_file_falls_back_to_the_defaults(rehearse_home):
    rehearse_home.mkdir(parents=True, exist_ok=True)
    (rehearse_home / "settings.ini").write_text("[listen]\nsilence_s=soon\n[voice]\nrate=9999\n[speech]\nengine=x\n"
                                                "\x00garbage", encoding="utf-8")
    assert load_preferences() == Preferences()
