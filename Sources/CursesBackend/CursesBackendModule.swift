import CNcursesw
import TerminalUI
public enum CursesBackendModule {}
