"""The Textual console. Screens call `frontline.domain.desk.Desk`; nothing here talks HTTP."""
