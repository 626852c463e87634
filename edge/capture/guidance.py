"""What the person holding the card is told, in Vietnamese (default) or English."""

from __future__ import annotations

from typing import Literal

Language = Literal["vi", "en"]
Hint = Literal["no_card", "cut_off", "closer", "further", "tilt", "hold_still", "glare", "too_dark", "too_bright",
               "blurred", "flip", "holding", "captured", "done", "timeout", "camera"]

MESSAGES: dict[Hint, tuple[str, str]] = {
    "no_card": ("Đưa thẻ vào khung hình", "Show the card to the camera"),
    "cut_off": ("Đưa toàn bộ thẻ vào khung hình", "Keep the whole card in view"),
    "closer": ("Đưa thẻ lại gần hơn", "Bring the card closer"),
    "further": ("Đưa thẻ ra xa hơn một chút", "Move the card a little further away"),
    "tilt": ("Giữ thẻ thẳng, song song với camera", "Hold the card flat, facing the camera"),
    "hold_still": ("Giữ yên", "Hold still"),
    "glare": ("Bị lóa — nghiêng thẻ", "Glare — tilt the card"),
    "too_dark": ("Thiếu sáng — đưa thẻ ra chỗ sáng hơn", "Too dark — move to more light"),
    "too_bright": ("Quá sáng — tránh nguồn sáng trực tiếp", "Too bright — avoid direct light"),
    "blurred": ("Giữ yên để lấy nét", "Hold still so the camera can focus"),
    "flip": ("Lật mặt sau", "Turn the card over"),
    "holding": ("Giữ yên… đang chụp", "Hold still… capturing"),
    "captured": ("Đã chụp", "Captured"),
    "done": ("Hoàn tất", "Done"),
    "timeout": ("Hết thời gian — vui lòng thử lại", "Timed out — please try again"),
    "camera": ("Đang kết nối lại camera…", "Reconnecting to the camera…"),
}


def message(hint: Hint, language: Language = "vi") -> str:
    vi, en = MESSAGES[hint]
    return vi if language == "vi" else en
